import type { IncomingMessage } from 'node:http';

/**
 * The path of a request (no query), as Express's `req.path` gives it, for a plain Node request too: the webhook door
 * and the raw-body reader see requests before Express does.
 */
export function requestPath(req: Pick<IncomingMessage, 'url'>): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) {
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q);
  }
  try {
    return new URL(url).pathname; // absolute-form request target (`POST http://host/path HTTP/1.1`)
  } catch {
    return url;
  }
}
