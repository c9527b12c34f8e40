import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogEntry } from '@app/contracts';

/** Entries as the NDJSON a `file` log source reads (one JSON object per line, final newline). */
export function ndjson(entries: Array<Pick<LogEntry, 'timestamp' | 'level' | 'service' | 'message'>>): string {
  return entries.map((e) => JSON.stringify({ timestamp: e.timestamp, level: e.level, service: e.service, message: e.message })).join('\n') + '\n';
}

/** A local HTTP server on a free port (stand-ins for log platforms, pages of other origins). */
export async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
