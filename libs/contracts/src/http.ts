/** The /v1 envelope and list shapes (contract §4). */

export interface FieldError {
  field: string;
  message: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { fields?: FieldError[]; requestId?: string; [k: string]: unknown };
}

export type ApiEnvelope<T> = { success: true; data: T } | { success: false; data?: T; error: ApiErrorBody };

export interface PaginationMeta {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

/** A paged list: `data.items` + `data.pagination`, newest first. */
export interface Paginated<T> {
  items: T[];
  pagination: PaginationMeta;
}

export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 20;
