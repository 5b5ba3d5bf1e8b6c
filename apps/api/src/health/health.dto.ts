import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiPropertyOptional({ example: 'unreachable' }) error?: string;
}

class EventStoreCheckDto extends CheckDto {
  @ApiProperty({ enum: ['postgres', 'kurrentdb'] }) adapter!: string;
}

class ProjectionStatusDto {
  @ApiProperty({ example: 'results' }) name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ type: 'integer', description: 'Last applied global position' }) position!: number;
  @ApiProperty({ type: 'integer', description: 'Last position in the event store' }) headPosition!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Events not applied yet, counted up to 1000 (1000: at least that many)',
  })
  lag!: number;
  @ApiProperty({ enum: ['idle', 'standby', 'active', 'failing', 'stopped'] }) state!: string;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) failingSince!: string | null;
}

/** OpenAPI shape of GET /health. */
export class HealthDto {
  @ApiProperty({
    enum: ['up', 'degraded', 'down'],
    description:
      'down (503): the event store or the database is unreachable; degraded: a projection is failing',
  })
  status!: string;
  @ApiProperty({ type: EventStoreCheckDto }) eventStore!: EventStoreCheckDto;
  @ApiProperty({ type: CheckDto }) database!: CheckDto;
  @ApiProperty({ type: [ProjectionStatusDto] }) projections!: ProjectionStatusDto[];
}
