/**
 * Real: the CloudWatch connector, the AWS SDK v3 client (SigV4 signing, AWS JSON 1.1 protocol, its retry strategy),
 * HTTP over loopback.
 * Stand-in: the CloudWatch Logs service as a local node:http server speaking AWS JSON 1.1
 * (POST /, X-Amz-Target: Logs_20140328.<Operation>, errors as `{"__type": ..., "message": ...}`).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { LocalServer } from '../shared/local-server.testing';
import { CloudWatchConnector, cloudwatchConnector } from './cloudwatch.connector';
import { awsError, awsReply, verifySigV4 } from './cloudwatch.stand-in.testing';

interface Seen {
  target: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
  path: string;
}
type Handler = (req: Seen, res: http.ServerResponse) => void;

let server: http.Server;
let endpoint: string;
let seen: Seen[] = [];
let handler: Handler;

const KEY_ID = 'AKIAEXAMPLEKEY00001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const GROUP = '/aws/lambda/checkout-api';
const t0 = Date.parse('2024-05-01T10:00:00Z');

const PAGES: Record<string, { events: unknown[]; nextToken?: string }> = {
  '': {
    events: [
      {
        logStreamName: '2024/05/01/[$LATEST]abc',
        timestamp: t0 + 1000,
        message: '2024-05-01T10:00:01.000Z\treq-1\tERROR\tpayment declined\n',
        eventId: 'e1',
        ingestionTime: t0 + 1500,
      },
      { logStreamName: '2024/05/01/[$LATEST]abc', timestamp: t0 + 2000, message: 'START RequestId: req-2 Version: $LATEST\n', eventId: 'e2' },
    ],
    nextToken: 'tok-page-2',
  },
  'tok-page-2': {
    events: [{ logStreamName: 'stream-b', timestamp: t0 + 3000, message: '{"level":"warn","message":"slow db","service":"checkout-worker"}', eventId: 'e3' }],
    nextToken: 'tok-page-3',
  },
  'tok-page-3': {
    events: [
      { logStreamName: 'stream-b', timestamp: t0 + 4000, message: '[WARNING] retry scheduled', eventId: 'e4' },
      { logStreamName: 'stream-b', timestamp: t0 + 5000, message: 'done', eventId: 'e5' },
    ],
  },
};

function ctx(over: Partial<ConnectorContext> = {}): ConnectorContext {
  return { logFilesDir: '/nonexistent', blockedCidrs: ['169.254.0.0/16'], blockedHosts: [], timeoutMs: 10_000, maxLines: 1_000_000, ...over };
}
const cfg = (over: Partial<LogSourceConfig> = {}): LogSourceConfig => ({
  type: 'cloudwatch',
  credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
  region: 'eu-west-1',
  settings: { endpoint },
  sources: [GROUP],
  ...over,
});
const q = { start: new Date(t0), end: new Date(t0 + 3_600_000), sources: [] as string[] };

const reply = awsReply;

/** The service's documented behaviour for the happy path. */
const logs: Handler = (req, res) => {
  if (req.target === 'Logs_20140328.FilterLogEvents') {
    if (req.body.logGroupName !== GROUP) return awsError(res, 400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const page = PAGES[(req.body.nextToken as string | undefined) ?? ''];
    return reply(res, 200, { events: page.events, searchedLogStreams: [], ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
  }
  if (req.target === 'Logs_20140328.DescribeLogGroups') {
    const second = req.body.nextToken === 'g2';
    return reply(res, 200, second ? { logGroups: [{ logGroupName: '/ecs/payments' }] } : { logGroups: [{ logGroupName: GROUP }], nextToken: 'g2' });
  }
  awsError(res, 400, 'UnknownOperationException', 'unknown');
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        target: String(req.headers['x-amz-target'] ?? ''),
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
        raw: Buffer.concat(chunks).toString('utf8'),
        path: req.url ?? '',
      };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  handler = logs;
});

describe('CloudWatchConnector', () => {
  it('signs FilterLogEvents with SigV4, pages with nextToken and normalises events', async () => {
    const r = await new CloudWatchConnector(ctx(), { pageSize: 2 }).query(cfg(), { ...q, limit: 100 });

    expect(seen).toHaveLength(3);
    for (const s of seen) {
      expect(s.path).toBe('/');
      expect(s.target).toBe('Logs_20140328.FilterLogEvents');
      expect(s.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(s.headers.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/eu-west-1/logs/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$`,
        ),
      );
      expect(s.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      // The signature itself, recomputed as AWS documents SigV4 (and refused with another secret).
      const signed = { method: 'POST', path: s.path, query: new URLSearchParams(), headers: s.headers, body: s.raw };
      expect(verifySigV4(signed, { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'eu-west-1', service: 'logs' })).toBeUndefined();
      expect(verifySigV4(signed, { accessKeyId: KEY_ID, secretAccessKey: 'other', region: 'eu-west-1', service: 'logs' })).toMatchObject({
        type: 'InvalidSignatureException',
      });
    }
    expect(seen.map((s) => s.body)).toEqual([
      { logGroupName: GROUP, startTime: q.start.getTime(), endTime: q.end.getTime(), limit: 2 },
      { logGroupName: GROUP, startTime: q.start.getTime(), endTime: q.end.getTime(), limit: 2, nextToken: 'tok-page-2' },
      { logGroupName: GROUP, startTime: q.start.getTime(), endTime: q.end.getTime(), limit: 2, nextToken: 'tok-page-3' },
    ]);

    expect(r.truncated).toBe(false);
    expect(r.entries.map((e) => [e.timestamp, e.level, e.service, e.message])).toEqual([
      ['2024-05-01T10:00:01.000Z', 'error', 'checkout-api', '2024-05-01T10:00:01.000Z\treq-1\tERROR\tpayment declined'],
      ['2024-05-01T10:00:02.000Z', 'info', 'checkout-api', 'START RequestId: req-2 Version: $LATEST'],
      ['2024-05-01T10:00:03.000Z', 'warn', 'checkout-worker', 'slow db'],
      ['2024-05-01T10:00:04.000Z', 'warn', 'checkout-api', '[WARNING] retry scheduled'],
      ['2024-05-01T10:00:05.000Z', 'info', 'checkout-api', 'done'],
    ]);
    expect(r.entries[2].metadata).toEqual({ logGroup: GROUP, logStream: 'stream-b', eventId: 'e3' });
  });

  it('sends the session token when one is configured', async () => {
    await new CloudWatchConnector(ctx()).query(cfg({ credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: 'sess-tok' } }), {
      ...q,
      limit: 1,
    });
    expect(seen[0].headers['x-amz-security-token']).toBe('sess-tok');
  });

  it('stops at limit and sets truncated', async () => {
    const r = await new CloudWatchConnector(ctx(), { pageSize: 2 }).query(cfg(), { ...q, limit: 3 });
    expect(r.entries).toHaveLength(3);
    expect(r.truncated).toBe(true);
    expect(seen.map((s) => s.body.limit)).toEqual([2, 1]);
    expect(r.nextCursor).toEqual(expect.any(String));
  });

  it('maps rejected credentials (UnrecognizedClientException) to unauthorized', async () => {
    handler = (_req, res) => awsError(res, 400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const err = await new CloudWatchConnector(ctx()).query(cfg(), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogSourceError);
    expect(err).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/active in IAM/) });
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('maps an HTTP 401 to unauthorized as well', async () => {
    handler = (_req, res) => awsError(res, 401, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const t = await cloudwatchConnector(ctx()).testConnection(cfg());
    expect(t).toMatchObject({ connected: false, sampleLogs: [] });
    expect(t.message).toMatch(/rejected the credentials/);
  });

  it('maps AccessDeniedException and ResourceNotFoundException with the fixes', async () => {
    handler = (_req, res) => awsError(res, 400, 'AccessDeniedException', 'not authorized to perform: logs:FilterLogEvents');
    await expect(new CloudWatchConnector(ctx()).query(cfg(), { ...q, limit: 10 })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('logs:FilterLogEvents'),
    });
    handler = logs;
    await expect(new CloudWatchConnector(ctx()).query(cfg({ sources: ['/nope'] }), { ...q, limit: 10 })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/"\/nope".*region/),
    });
  });

  it('keeps the other log groups when one does not exist, and reports it', async () => {
    const r = await new CloudWatchConnector(ctx()).query(cfg({ sources: ['/nope', GROUP] }), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(5);
    expect(r.warnings).toEqual([expect.stringMatching(/^\/nope: CloudWatch has no log group/)]);
  });

  it('retries after a ThrottlingException, then succeeds', async () => {
    let n = 0;
    handler = (req, res) => (n++ === 0 ? awsError(res, 400, 'ThrottlingException', 'Rate exceeded') : logs(req, res));
    const r = await new CloudWatchConnector(ctx()).query(cfg(), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(5);
    expect(seen[0].body).toEqual(seen[1].body);
  });

  it('retries after an HTTP 429, then succeeds', async () => {
    let n = 0;
    handler = (req, res) => (n++ === 0 ? awsError(res, 429, 'ThrottlingException', 'Too Many Requests') : logs(req, res));
    const r = await new CloudWatchConnector(ctx()).query(cfg(), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(5);
  });

  it('times out when the service hangs past LOG_SOURCE_TIMEOUT_MS', async () => {
    handler = () => {
      /* never answers */
    };
    const err = await new CloudWatchConnector(ctx({ timeoutMs: 300 })).query(cfg(), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', message: expect.stringContaining('300 ms') });
  });

  it('lists log groups with DescribeLogGroups paging', async () => {
    const list = await new CloudWatchConnector(ctx()).listSources(cfg());
    expect(seen.map((s) => [s.target, s.body])).toEqual([
      ['Logs_20140328.DescribeLogGroups', { limit: 50 }],
      ['Logs_20140328.DescribeLogGroups', { limit: 50, nextToken: 'g2' }],
    ]);
    expect(list.map((g) => g.id)).toEqual([GROUP, '/ecs/payments']);
  });

  it('refuses a blocked endpoint override and a missing region', async () => {
    const c = new CloudWatchConnector(ctx());
    await expect(c.query(cfg({ settings: { endpoint: 'http://169.254.169.254' } }), { ...q, limit: 10 })).rejects.toMatchObject({ code: 'blocked_host' });
    await expect(c.validateConfig(cfg({ region: null }))).rejects.toMatchObject({ code: 'invalid_config' });
    expect(seen).toHaveLength(0);
  });

  it("sends the SDK's own requests through the host guard (issue 19.4): a blocked address is never connected to", async () => {
    // The SDK client exactly as the connector builds it, sent to directly (no create-time check in front).
    const c = new CloudWatchConnector(ctx({ blockedCidrs: ['127.0.0.0/8', '::1/128'] }));
    const client = (c as unknown as { client(s: object): { send(cmd: unknown, o?: object): Promise<unknown>; destroy(): void } }).client({
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      region: 'eu-west-1',
      endpoint,
    });
    const { DescribeLogGroupsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    try {
      const err = await client.send(new DescribeLogGroupsCommand({})).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogSourceError);
      expect(err).toMatchObject({ code: 'blocked_host' });
    } finally {
      client.destroy();
    }
    expect(seen).toHaveLength(0);
  });

  it('does not follow a redirect from the endpoint to another host', async () => {
    const other = await new LocalServer((_req, res) => reply(res, 200, { logGroups: [] })).start('127.0.0.2');
    try {
      handler = (_req, res) => {
        res.writeHead(307, { Location: `${other.url}/` });
        res.end();
      };
      const err = await new CloudWatchConnector(ctx({ blockedCidrs: ['169.254.0.0/16', '127.0.0.2/32'] })).listSources(cfg()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogSourceError);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
