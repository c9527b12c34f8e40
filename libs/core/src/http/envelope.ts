/** The /v1 envelope (contract §4). */
export interface SuccessEnvelope<T> {
  success: true;
  data: T;
}
export interface ErrorEnvelope {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface Page<T> {
  items: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number };
}

export function page<T>(items: T[], total: number, pageNo: number, limit: number): Page<T> {
  return { items, pagination: { page: pageNo, limit, total, totalPages: Math.max(1, Math.ceil(total / limit)) } };
}

/** Marker for handlers that must not be wrapped (raw responses: HTML, canvas, redirects). */
export const RAW_RESPONSE = 'sigsentry:raw-response';
