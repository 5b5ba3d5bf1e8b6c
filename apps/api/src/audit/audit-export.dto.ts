import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shape of one NDJSON line of GET …/audit/export (ExportLine in libs/read-models/src/audit/export-format.ts). */
export class AuditExportLineDto {
  @ApiProperty({ type: 'integer', description: 'Global position; lines are in increasing order' })
  position!: number;
  @ApiProperty({ example: 'tally-hn-2021.ba-dinh-0001.na' }) streamId!: string;
  @ApiProperty({ type: 'integer', description: 'Revision of the event in its stream, from 0' })
  revision!: number;
  @ApiProperty({ example: 'TallySubmitted' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as stored' })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Actor, correlation, causation and request ids, schema version, prevHash and hash',
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ example: '2021-05-23T12:04:11.000Z' }) recordedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 (hex) of the previous event of the chain, copied from the metadata',
  })
  prevHash!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 (hex) of this event, copied from the metadata',
  })
  hash!: string | null;
}
