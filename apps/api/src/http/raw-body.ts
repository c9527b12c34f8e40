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

/** JSON (and form, for OAuth pages) for every other route, 1 MB limit; errors map to 400/413 in the filter. */
export function parsedBodyMiddleware(limit: number) {
  const j = json({ limit, type: ['application/json', 'application/*+json'] });
  const f = urlencoded({ limit, extended: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (RAW_BODY_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    j(req, res, (err?: unknown) => (err ? next(err) : f(req, res, next)));
  };
}
