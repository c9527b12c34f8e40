import type { NextFunction, Request, Response } from 'express';

/**
 * CORS for `/v1` (contract §2 `CORS_ORIGINS`, §12). Browsers may call the API with an API key (the SigSentry SDK uses
 * publishable `ss_pub_` keys); cookies never cross origins:
 * - a preflight (`OPTIONS /v1/…` with an `Origin`) from an allowed origin gets 204 with the methods, the headers named
 *   one by one (a `*` never covers `Authorization`) and a max age, without authentication;
 * - an actual answer (errors included, so a browser caller can read the 401/429 envelope) is granted only when the
 *   request carries `Authorization: Bearer ss_…`; `Access-Control-Allow-Credentials` is never sent, so a session (its
 *   cookie, or its token as a bearer) gets no grant and the dashboard stays same-origin.
 */
export const CORS_ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Project-Id', 'Accept', 'X-Request-Id'] as const;
export const CORS_EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Idempotent-Replayed',
] as const;
/** Seconds a browser may reuse a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** The `Access-Control-Allow-Origin` value for `origin` under the allowed set, or null when it is not allowed. */
export function corsGrant(origin: string | undefined, allowed: '*' | readonly string[]): string | null {
  if (!origin) return null;
  if (allowed === '*') return '*';
  return allowed.includes(origin.toLowerCase()) ? origin.toLowerCase() : null;
}

/** True when the request authenticates with an API key (`Bearer ss_…`), the only kind of caller CORS grants. */
export function carriesApiKey(authorization: unknown): boolean {
  return typeof authorization === 'string' && /^Bearer\s+ss_/i.test(authorization);
}

/** Express middleware; install it before anything that can answer a `/v1` request. */
export function corsMiddleware(allowed: '*' | readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!/^\/v1(\/|$)/.test(req.path)) return next();
    // With a list, the grant depends on Origin: caches must key on it.
    if (allowed !== '*') res.vary('Origin');
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (!origin) return next();
    const grant = corsGrant(origin, allowed);
    if (req.method === 'OPTIONS') {
      if (!grant) {
        res.status(403).json({ success: false, error: { code: 'FORBIDDEN', message: 'This origin is not allowed to call the API (CORS_ORIGINS)' } });
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', grant);
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS.join(', '));
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS.join(', '));
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      // Chromium asks before a public page calls a server on a private network (a self-hosted install on an intranet).
      if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.status(204).end();
      return;
    }
    if (grant && carriesApiKey(req.headers.authorization)) {
      res.setHeader('Access-Control-Allow-Origin', grant);
      res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
    }
    next();
  };
}
