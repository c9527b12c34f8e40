import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Server-sent events for routes that can stream (contract §12), written for the SigSentry SDK's parser, which is
 * strict: one `event:` line and one single-line JSON `data:` line per event, the whole event in one write (the parser
 * forgets the event name between network reads), every line ending in `\n`, and the stream closed after the last
 * event. Comments (`: …`) keep idle connections alive and are ignored by every parser.
 */

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(',') : (v ?? ''));

/**
 * The streaming rule (contract §12): `Accept` containing `text/event-stream` streams, `Accept` containing
 * `application/json` answers JSON, otherwise (no `Accept`, `*\/*`, anything else) it streams if and only if the
 * request carries an `Origin` header (browsers send it on every POST; Node's fetch does not).
 */
export function negotiatesEventStream(headers: Pick<IncomingHttpHeaders, 'accept' | 'origin'>): boolean {
  const accept = first(headers.accept).toLowerCase();
  if (accept.includes('text/event-stream')) return true;
  if (accept.includes('application/json')) return false;
  return first(headers.origin).trim() !== '';
}

/** Routes ("METHOD /path") whose callers may stream: their errors are sent as an `error` event to streaming callers. */
const streamingRoutes = new Set<string>();

const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;

/** Declares a route that answers with an event stream when the caller negotiates one (a registry, not a switch). */
export function registerEventStreamRoute(method: string, path: string): void {
  streamingRoutes.add(routeKey(method, path));
}

/** True when this request is for a streaming route and negotiates a stream: its errors go out as an `error` event. */
export function streamsErrors(req: { method?: string; path?: string; headers: IncomingHttpHeaders }): boolean {
  if (!req.method || !req.path || !streamingRoutes.has(routeKey(req.method, req.path))) return false;
  return negotiatesEventStream(req.headers);
}

/** One event as one string: `event: <name>\ndata: <single-line JSON>\n\n`. JSON.stringify never emits a raw newline. */
export function formatEvent(event: string, data: unknown): string {
  if (!/^[a-z_]+$/.test(event)) throw new Error(`invalid event name: ${event}`);
  return `event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`;
}

export const EVENT_STREAM_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  // nginx and other proxies would otherwise buffer the stream.
  'X-Accel-Buffering': 'no',
};

/** Answers a request with a single `error` event (errors found before a stream starts). */
export function sendErrorEvent(res: ServerResponse, status: number, error: Record<string, unknown>): void {
  res.statusCode = status;
  for (const [k, v] of Object.entries(EVENT_STREAM_HEADERS)) res.setHeader(k, v);
  res.end(formatEvent('error', error));
}

export interface EventStreamOptions {
  /** A comment is written after this long without an event (default 15 s). */
  keepAliveMs?: number;
}

/**
 * One open event stream on a response. Every `send` is one write; after `end` (or the client going away) nothing is
 * written. The response's own 'close' tells the owner through `onClose`.
 */
export class EventStream {
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly keepAliveMs: number;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    opts: EventStreamOptions = {},
  ) {
    this.keepAliveMs = opts.keepAliveMs ?? 15_000;
    res.once('close', () => {
      const wasOpen = !this.ended;
      this.stop();
      if (wasOpen) for (const f of this.closeListeners) f();
    });
  }

  /** Writes the status and headers now (the client sees the stream open before the first event). */
  open(status: number): void {
    if (this.res.headersSent) return;
    this.res.statusCode = status;
    for (const [k, v] of Object.entries(EVENT_STREAM_HEADERS)) this.res.setHeader(k, v);
    this.res.flushHeaders();
    this.arm();
  }

  get isOpen(): boolean {
    return !this.ended && !this.res.destroyed && !this.res.writableEnded;
  }

  /** Called once if the client goes away before `end`. */
  onClientGone(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  /** Writes one event in one write; false when the stream is no longer open. */
  send(event: string, data: unknown): boolean {
    if (!this.isOpen) return false;
    this.res.write(formatEvent(event, data));
    this.arm();
    return true;
  }

  /** A comment line (ignored by parsers). */
  comment(text = 'keep-alive'): boolean {
    if (!this.isOpen) return false;
    this.res.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
    return true;
  }

  /** Sends `event` (if given) and ends the response. */
  end(event?: string, data?: unknown): void {
    if (!this.isOpen) {
      this.stop();
      return;
    }
    this.stop();
    if (event) this.res.end(formatEvent(event, data));
    else this.res.end();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.ended || this.keepAliveMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.comment()) this.arm();
    }, this.keepAliveMs);
    this.timer.unref?.();
  }

  private stop(): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
