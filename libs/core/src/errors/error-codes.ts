/** Coded errors of the /v1 API (product reference §7.3 plus ours). One filter maps them to HTTP. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_TIME_RANGE: 400,
  MISSING_PROJECT_ID: 400,
  INVALID_PUBLIC_KEY_PERMISSIONS: 400,
  CONFIRMATION_MISMATCH: 400,
  CANNOT_DELETE_DEFAULT: 400,
  BAD_REQUEST: 400,
  EMPTY_CORRECTION: 400,
  UNKNOWN_SERVICE: 400,
  UNAUTHORIZED: 401,
  API_KEY_REVOKED: 401,
  API_KEY_EXPIRED: 401,
  KEY_FORMAT_DEPRECATED: 401,
  FORBIDDEN: 403,
  PUBLIC_KEY_REQUIRED: 403,
  SECRET_KEY_REQUIRED: 403,
  ORG_KEY_REQUIRED: 403,
  WRONG_PROJECT: 403,
  DASHBOARD_ONLY: 403,
  SIGNUP_DISABLED: 403,
  NOT_FOUND: 404,
  ANALYSIS_NOT_FOUND: 404,
  CONFLICT: 409,
  SLUG_EXISTS: 409,
  EMAIL_EXISTS: 409,
  WORKSPACE_ALREADY_BOUND: 409,
  IDEMPOTENCY_KEY_CONFLICT: 409,
  CORRECTION_ALREADY_UNDONE: 409,
  PAYLOAD_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  LOG_SOURCE_CONNECTION_FAILED: 502,
  LOG_SOURCE_QUERY_FAILED: 502,
  LOG_SOURCE_NOT_CONFIGURED: 400,
  SUPPORT_DESK_UNAVAILABLE: 502,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);
export const validationError = (fields: Array<{ field: string; message: string }>, message = 'Request validation failed') =>
  new AppError('VALIDATION_ERROR', message, { fields });
