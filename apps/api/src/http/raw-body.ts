import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { json, urlencoded } from 'express';
import { jsonDepthExceeds, MAX_JSON_DEPTH, requestPath } from '@app/core';

/** Routes whose signatures are computed over the exact bytes received: they get the raw body, unparsed. */
export const RAW_BODY_PREFIXES = ['/webhooks/', '/canvas-kit/'];

/** A signature computed while the body streams in, for bodies over the limit (which are never kept whole). */
export interface StreamingVerifier {
  update(chunk: Buffer): void;
  matches(): boolean;
}

export interface RawRequest extends IncomingMessage {
  rawBody?: Buffer;
  rawBodyTooLarge?: boolean;
  /**
   * Bodies over the limit on a route with a streaming verifier: did the signature match the whole body? (undefined
   * when no verifier applies, e.g. the signature header is missing or malformed, or the route has none.)
   */
  rawBodySignatureValid?: boolean;
}

export interface RawBodyOptions {
  /** The streaming verifier for this request, or null (asked once, when the body first goes over the limit). */
  verifierFor?: (req: IncomingMessage) => StreamingVerifier | null;
  /** Past this many bytes nothing more is read: 413 and the connection is closed. */
  hardCap?: number;
}

/**
 * Reads the raw body (up to `limit`) for signed routes, without failing: the handler decides the answer order
 * (signature first, then size — contract §6). Past the limit no byte is kept: the chunks read so far are fed to the
 * route's streaming verifier (when there is one) and dropped, and the rest is hashed as it arrives and dropped, so a
 * request holds at most `limit` bytes plus a hash state whatever its size. Past `hardCap` reading stops.
 */
export function rawBodyMiddleware(limit: number, opts: RawBodyOptions = {}) {
  const hardCap = opts.hardCap ?? 64 * limit;
  return (req: RawRequest, res: ServerResponse, next: (err?: unknown) => void) => {
    const path = requestPath(req);
    if (!RAW_BODY_PREFIXES.some((p) => path.startsWith(p)) || req.method === 'GET' || req.method === 'HEAD') return next();
    let chunks: Buffer[] = [];
    let size = 0;
    let verifier: StreamingVerifier | null = null;
    let stopped = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) {
        chunks.push(c);
        return;
      }
      if (!req.rawBodyTooLarge) {
        req.rawBodyTooLarge = true;
        verifier = opts.verifierFor?.(req) ?? null;
        if (verifier) for (const kept of chunks) verifier.update(kept);
        chunks = [];
      }
      if (size > hardCap) {
        stopped = true;
        req.off('data', onData);
        req.pause();
        const text = JSON.stringify({ error: `body over ${Math.floor(hardCap / 1048576)} MB: not read` });
        res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
        res.end(text);
        return;
      }
      verifier?.update(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (stopped) return;
      req.rawBody = req.rawBodyTooLarge ? Buffer.alloc(0) : Buffer.concat(chunks);
      if (req.rawBodyTooLarge && verifier) req.rawBodySignatureValid = (verifier as StreamingVerifier).matches();
      next();
    });
    req.on('error', (e) => (stopped ? undefined : next(e)));
  };
}

/**
 * Routes whose JSON body may be larger than the default: POST /v1/analyses carries a screenshot (≤ 10 MB) as a base64
 * data URL when sent as JSON (the dashboard's way: cookie-authenticated writes must be JSON).
 */
export const LARGE_JSON_ROUTES: Array<{ method: string; path: RegExp; limit: number }> = [
  { method: 'POST', path: /^\/v1\/analyses\/?$/, limit: 15 * 1024 * 1024 },
];

/** The body-parser-shaped error for a JSON body nested too deep: the exception filter answers 400 VALIDATION_ERROR. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  readonly expose = true;
  constructor() {
    super(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/**
 * JSON (and form, for OAuth pages) for every other route, 1 MB limit; errors map to 400/413 in the filter. A JSON
 * body nested deeper than MAX_JSON_DEPTH is refused here (400), before validation or the database walks it.
 */
export function parsedBodyMiddleware(limit: number) {
  const types = ['application/json', 'application/*+json'];
  const j = json({ limit, type: types });
  const large = LARGE_JSON_ROUTES.map((r) => ({ ...r, parse: json({ limit: r.limit, type: types }) }));
  const f = urlencoded({ limit, extended: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (RAW_BODY_PREFIXES.some((p) => req.path.startsWith(p))) return next();
    const parse = large.find((r) => r.method === req.method && r.path.test(req.path))?.parse ?? j;
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (jsonDepthExceeds(req.body)) return next(new JsonTooDeepError());
      f(req, res, next);
    });
  };
}
