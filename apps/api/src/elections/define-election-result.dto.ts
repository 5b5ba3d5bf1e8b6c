import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shape of DefineElectionResult. */
export class DefineElectionResultDto {
  @ApiProperty({ example: 'hn-2021' }) electionId!: string;
  @ApiProperty({ example: 0 }) revision!: number;
  @ApiProperty({ example: 0, description: 'Global position of ElectionDefined' }) position!: number;
}
