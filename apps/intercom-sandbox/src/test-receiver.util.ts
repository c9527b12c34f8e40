/** Test helper: a local HTTP endpoint that records raw requests and answers from a programmable queue. */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** statuses to answer with, in order (then 200); a negative number = never answer */
  respond: number[];
  /** JSON bodies to answer with, in order (then `{}`) */
  bodies: unknown[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const r: Partial<Receiver> = { received, respond: [], bodies: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      waiters.splice(0).forEach((w) => w());
      const status = r.respond!.length ? r.respond!.shift()! : 200;
      if (status < 0) return;
      const body = r.bodies!.length ? r.bodies!.shift() : {};
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address() as { port: number };
  r.url = `http://127.0.0.1:${addr.port}`;
  r.waitFor = (n, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`expected ${n} requests, got ${received.length}`)), timeoutMs);
      const check = () => {
        if (received.length >= n) {
          clearTimeout(t);
          resolve(received);
        } else waiters.push(check);
      };
      check();
    });
  r.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  };
  return r as Receiver;
}
