import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stand-in platform received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** Test-only local HTTP server standing in for a log platform. Hung requests are destroyed on close(). */
export class LocalServer {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  url = '';

  constructor(private handler: Handler) {}

  setHandler(h: Handler): void {
    this.handler = h;
  }

  /** Listens on `host` (another loopback address, e.g. 127.0.0.2, plays "a different machine" in SSRF tests). */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://local');
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const rec: RecordedRequest = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, body, json };
        this.requests.push(rec);
        Promise.resolve(this.handler(rec, res)).catch((e: Error) => {
          if (!res.headersSent) send(res, 500, { error: `test handler failed: ${e.message}` });
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers });
  res.end(text);
}

/** Never answers: the client must give up on its own deadline. */
export function hang(): void {
  /* intentionally leave the response open */
}

/**
 * A log line as a platform stand-in stores it before rendering it in the platform's own format
 * (the normalised fields; e.g. the entries of a generated incident scenario).
 */
export interface StandInLine {
  timestamp: string;
  level: 'info' | 'warn' | 'error';
  service: string;
  message: string;
}

/** Epoch milliseconds of a stand-in line. */
export const msOf = (l: StandInLine): number => Date.parse(l.timestamp);

/** Opaque paging token as platforms hand them out (base64url JSON); `undefined` when it does not decode. */
export function encodeToken(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}
export function decodeToken<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Glob with `*` (index patterns, Datadog values) → anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}
