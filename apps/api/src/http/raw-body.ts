import type { NextFunction, Request, Response } from 'express';
import { json, urlencoded } from 'express';

/** Routes whose signatures are computed over the exact bytes received: they get the raw body, unparsed. */
export const RAW_BODY_PREFIXES = ['/webhooks/', '/canvas-kit/'];

export interface RawRequest extends Request {
  rawBody?: Buffer;
  rawBodyTooLarge?: boolean;
}

/**
 * Reads the raw body (up to `limit`) for signed routes, without failing: the handler decides the answer order
 * (signature first, then size — contract §6). Over the limit, the rest is drained and discarded.
 */
export function rawBodyMiddleware(limit: number) {
  return (req: RawRequest, _res: Response, next: NextFunction) => {
    if (!RAW_BODY_PREFIXES.some((p) => req.path.startsWith(p)) || req.method === 'GET' || req.method === 'HEAD') return next();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else req.rawBodyTooLarge = true;
    });
    req.on('end', () => {
      req.rawBody = req.rawBodyTooLarge ? Buffer.alloc(0) : Buffer.concat(chunks);
      next();
    });
    req.on('error', next);
  };
}

/**
 * Routes whose JSON body may be larger than the default: POST /v1/analyses carries a screenshot (≤ 10 MB) as a base64
 * data URL when sent as JSON (the dashboard's way: cookie-authenticated writes must be JSON).
 */
export const LARGE_JSON_ROUTES: Array<{ method: string; path: RegExp; limit: number }> = [
  { method: 'POST', path: /^\/v1\/analyses\/?$/, limit: 15 * 1024 * 1024 },
];

/** JSON (and form, for OAuth pages) for every other route, 1 MB limit; errors map to 400/413 in the filter. */
export function parsedBodyMiddleware(limit: number) {
  const types = ['application/json', 'application/*+json'];
  const j = json({ limit, type: types });
  const large = LARGE_JSON_ROUTES.map((r) => ({ ...r, parse: json({ limit: r.limit, type: types }) }));
  const f = urlencoded({ limit, extended: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (RAW_BODY_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    const parse = large.find((r) => r.method === req.method && r.path.test(req.path))?.parse ?? j;
    parse(req, res, (err?: unknown) => (err ? next(err) : f(req, res, next)));
  };
}
