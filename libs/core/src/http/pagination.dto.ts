import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Highest page number accepted: far beyond any real list, and (page − 1) × limit stays an exact integer for SQL. */
export const MAX_PAGE = 10_000_000;

/** `page` ≥ 1 (at most MAX_PAGE), `limit` 1–100 default 20 (contract §4); anything else is 400 VALIDATION_ERROR. */
export class PaginationQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1, { message: 'page must be at least 1' })
  @Max(MAX_PAGE, { message: `page must be at most ${MAX_PAGE}` })
  page: number = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be between 1 and 100' })
  @Max(100, { message: 'limit must be between 1 and 100' })
  limit: number = 20;
}
