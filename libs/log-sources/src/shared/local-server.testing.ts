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

  async start(): Promise<this> {
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
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
