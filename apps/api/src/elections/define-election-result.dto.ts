import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shape of DefineElectionResult. */
export class DefineElectionResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ type: 'integer', example: 0 }) revision!: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Global position of ElectionDefined' })
  position!: number;
}
