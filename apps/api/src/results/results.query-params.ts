import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { StrictInt } from '../http/validators/strict-int.transform';

export class MinPositionQuery {
  @ApiPropertyOptional({
    description:
      'Wait (a few seconds at most) until the read models reflect this global position, e.g. the `position` of your 201',
  })
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}
