/* Real: node:http server and client sockets for the stream writer; the negotiation rule is pure. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStream, formatEvent, negotiatesEventStream, registerEventStreamRoute, streamsErrors } from './event-stream';

describe('negotiatesEventStream (contract §12)', () => {
  it.each([
    [{ accept: 'text/event-stream' }, true],
    [{ accept: 'text/event-stream', origin: '' }, true],
    [{ accept: 'application/json', origin: 'https://a.example' }, false],
    [{ accept: 'application/json, text/plain, */*', origin: 'https://a.example' }, false],
    [{ accept: 'text/event-stream, application/json' }, true],
    [{ accept: '*/*', origin: 'https://a.example' }, true],
    [{ accept: '*/*' }, false],
    [{ origin: 'https://a.example' }, true],
    [{}, false],
    [{ accept: 'text/html', origin: 'null' }, true],
  ])('%j → %s', (headers, expected) => {
    expect(negotiatesEventStream(headers)).toBe(expected);
  });

  it('streams errors only on registered routes (trailing slash and method case ignored)', () => {
    registerEventStreamRoute('post', '/v1/streaming-thing/');
    const h = { origin: 'https://a.example' };
    expect(streamsErrors({ method: 'POST', path: '/v1/streaming-thing', headers: h })).toBe(true);
    expect(streamsErrors({ method: 'POST', path: '/v1/streaming-thing/', headers: h })).toBe(true);
    expect(streamsErrors({ method: 'GET', path: '/v1/streaming-thing', headers: h })).toBe(false);
    expect(streamsErrors({ method: 'POST', path: '/v1/other', headers: h })).toBe(false);
    expect(streamsErrors({ method: 'POST', path: '/v1/streaming-thing', headers: { accept: 'application/json', origin: 'x' } })).toBe(false);
  });
});

describe('formatEvent', () => {
  it('writes one event line and one single-line JSON data line, ending in a blank line', () => {
    const text = formatEvent('status', { stage: 'received', detail: 'line one\nline two\r\nthree\u2028' });
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('event: status');
    expect(lines[1].startsWith('data: ')).toBe(true);
    expect(JSON.parse(lines[1].slice(6))).toEqual({ stage: 'received', detail: 'line one\nline two\r\nthree\u2028' });
    expect(lines.slice(2)).toEqual(['', '']);
    expect(() => formatEvent('bad name\n', {})).toThrow();
  });
});

describe('EventStream over HTTP', () => {
  let server: Server;
  let url: string;
  let onResponse: (res: ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((_req, res) => onResponse(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('opens with the status and headers, writes comments while idle, each event in one write, then ends', async () => {
    const writes: string[] = [];
    onResponse = (res) => {
      const write = res.write.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        writes.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      const s = new EventStream(res, { keepAliveMs: 30 });
      s.open(202);
      s.send('status', { stage: 'received' });
      setTimeout(() => {
        s.send('status', { stage: 'processing' });
        s.end('complete', { analysisId: 'a', result: { ok: true } });
        expect(s.send('status', { stage: 'late' })).toBe(false);
      }, 200);
    };
    const r = await fetch(url);
    expect(r.status).toBe(202);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.headers.get('cache-control')).toMatch(/no-cache/);
    const text = await r.text();
    expect(text).toMatch(/^: keep-alive$/m);
    expect(text.endsWith('event: complete\ndata: {"analysisId":"a","result":{"ok":true}}\n\n')).toBe(true);
    expect(text).not.toContain('late');
    // Every event went out in a single write.
    for (const w of writes.filter((x) => x.startsWith('event: '))) expect(w).toMatch(/^event: \w+\ndata: .*\n\n$/);
  });

  it('tells its owner once when the client goes away, and writes nothing after', async () => {
    let gone = 0;
    let stream: EventStream | null = null;
    const opened = new Promise<void>((resolve) => {
      onResponse = (res) => {
        stream = new EventStream(res, { keepAliveMs: 0 });
        stream.onClientGone(() => gone++);
        stream.open(200);
        stream.send('status', { stage: 'received' });
        resolve();
      };
    });
    const ac = new AbortController();
    const r = await fetch(url, { signal: ac.signal });
    await opened;
    await r.body!.getReader().read();
    ac.abort();
    const deadline = Date.now() + 3000;
    while (gone === 0 && Date.now() < deadline) await new Promise((x) => setTimeout(x, 20));
    expect(gone).toBe(1);
    expect(stream!.isOpen).toBe(false);
    expect(stream!.send('status', { stage: 'processing' })).toBe(false);
  });
});
