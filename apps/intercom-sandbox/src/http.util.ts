/** Small HTTP helpers of the sandbox's Intercom-facing routes: Intercom's error.list and query/body readers. */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { ApiError } from './sandbox.store';
import type { Json } from './sandbox.types';

/** API versions Intercom accepts in the Intercom-Version header. */
export const VALID_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', ...Array.from({ length: 17 }, (_, i) => `2.${i}`), 'Preview', 'Unstable']);

export const nowSec = () => Math.floor(Date.now() / 1000);

export function errorList(status: number, code: string, message: string, field?: string) {
  const err: Json = { code, message };
  if (field) err.field = field;
  return { status, body: { type: 'error.list', request_id: randomUUID(), errors: [err] } };
}

export function sendError(res: Response, e: ApiError | { status: number; code: string; message: string; field?: string }) {
  const { status, body } = errorList(e.status, e.code, e.message, e.field);
  res.status(status).json(body);
}

/** A string from a query or form value (the first one when repeated). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : undefined);
