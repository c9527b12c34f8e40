/**
 * Real: the GCP Logging connector, google-auth-library's JWT client (RS256 signing of the assertion), the shared HTTP
 * client and host guard, HTTP over loopback.
 * Stand-ins: Google's OAuth token endpoint (verifies the JWT-bearer assertion's RS256 signature with the service
 * account's public key) and the Cloud Logging v2 REST API (POST /v2/entries:list with pageToken paging,
 * GET /v2/projects/<p>/logs), both as one local node:http server.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { LocalServer } from '../shared/local-server.testing';
import { buildGcpFilter, GcpLoggingConnector, gcpLoggingConnector } from './gcp-logging.connector';
import { googleJson, serviceAccountJson, verifyJwtBearer } from './gcp-logging.stand-in.testing';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
}
type Handler = (req: Seen, res: http.ServerResponse) => void;

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PROJECT = 'my-proj';
const EMAIL = 'sigsentry-reader@my-proj.iam.gserviceaccount.com';
const ACCESS_TOKEN = 'ya29.local-test-token';

let server: http.Server;
let base: string;
let seen: Seen[] = [];
let handler: Handler;
let assertions: Array<Record<string, unknown>> = [];

const PAGES: Record<string, { entries: unknown[]; nextPageToken?: string }> = {
  '': {
    entries: [
      {
        logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
        resource: { type: 'cloud_run_revision', labels: { service_name: 'checkout-api', project_id: PROJECT } },
        timestamp: '2024-05-01T10:00:05.123456Z',
        severity: 'ERROR',
        textPayload: 'payment declined',
        insertId: 'i1',
      },
    ],
    nextPageToken: 'page-2',
  },
  'page-2': {
    entries: [
      {
        logName: `projects/${PROJECT}/logs/app`,
        resource: { type: 'k8s_container', labels: { container_name: 'worker' } },
        timestamp: '2024-05-01T10:00:04Z',
        severity: 'WARNING',
        jsonPayload: { message: 'slow db', latencyMs: 900 },
      },
    ],
    nextPageToken: 'page-3',
  },
  'page-3': {
    entries: [
      {
        logName: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`,
        resource: { type: 'gce_instance' },
        timestamp: '2024-05-01T10:00:03Z',
        severity: 'NOTICE',
        protoPayload: { methodName: 'x' },
      },
      {
        logName: `projects/${PROJECT}/logs/app`,
        resource: { type: 'global' },
        timestamp: '2024-05-01T10:00:02Z',
        severity: 'DEFAULT',
        jsonPayload: { msg: 'fallback', level: 'error' },
      },
    ],
  },
};

/** Google's token endpoint: JWT-bearer grant, RS256 signature checked against the service account's public key. */
function tokenEndpoint(req: Seen, res: http.ServerResponse): void {
  const r = verifyJwtBearer({ headers: req.headers, body: req.raw }, { publicKey, iss: EMAIL, aud: `${base}/token` });
  if (r.claims) assertions.push(r.claims);
  if (r.error !== undefined) return json(res, 400, { error: 'invalid_grant', error_description: r.error });
  json(res, 200, { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' });
}

/** Cloud Logging v2 for the happy path. */
const google: Handler = (req, res) => {
  if (req.method === 'POST' && req.path === '/token') return tokenEndpoint(req, res);
  if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
    return json(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
  }
  if (req.method === 'POST' && req.path === '/v2/entries:list') {
    const body = JSON.parse(req.raw) as { pageToken?: string };
    return json(res, 200, PAGES[body.pageToken ?? '']);
  }
  if (req.method === 'GET' && req.path === `/v2/projects/${PROJECT}/logs`) {
    return req.query.get('pageToken') === 'l2'
      ? json(res, 200, { logNames: [`projects/${PROJECT}/logs/app`] })
      : json(res, 200, { logNames: [`projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`], nextPageToken: 'l2' });
  }
  json(res, 404, { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } });
};

const json = googleJson;

function ctx(over: Partial<ConnectorContext> = {}): ConnectorContext {
  return {
    logFilesDir: '/nonexistent',
    blockedCidrs: ['169.254.0.0/16'],
    blockedHosts: ['metadata.google.internal'],
    timeoutMs: 5000,
    maxLines: 1_000_000,
    ...over,
  };
}
function key(pem = privateKey): string {
  return serviceAccountJson(PROJECT, EMAIL, pem);
}
const cfg = (over: Partial<LogSourceConfig> = {}): LogSourceConfig => ({
  type: 'gcp_logging',
  credentials: { serviceAccountJson: key() },
  settings: { apiEndpoint: base, tokenUri: `${base}/token` },
  sources: ['run.googleapis.com%2Fstdout', 'resource.labels.container_name="worker"'],
  ...over,
});
const q = { start: new Date('2024-05-01T10:00:00Z'), end: new Date('2024-05-01T11:00:00Z'), sources: [] as string[] };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const s: Seen = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  assertions = [];
  handler = google;
});

describe('GcpLoggingConnector', () => {
  it('exchanges a signed JWT at tokenUri, then pages entries:list with the documented body', async () => {
    const r = await new GcpLoggingConnector(ctx(), { pageSize: 2 }).query(cfg(), { ...q, limit: 100 });

    expect(seen[0].path).toBe('/token');
    expect(assertions).toHaveLength(1);
    const lists = seen.filter((s) => s.path === '/v2/entries:list');
    expect(lists).toHaveLength(3);
    const filter =
      'timestamp>="2024-05-01T10:00:00.000Z" AND timestamp<="2024-05-01T11:00:00.000Z" AND ' +
      `((logName="projects/${PROJECT}/logs/run.googleapis.com%2Fstdout") OR (resource.labels.container_name="worker"))`;
    expect(lists.map((s) => [s.method, s.headers.authorization, s.headers['content-type'], JSON.parse(s.raw)])).toEqual([
      ['POST', `Bearer ${ACCESS_TOKEN}`, 'application/json', { resourceNames: [`projects/${PROJECT}`], filter, orderBy: 'timestamp asc', pageSize: 2 }],
      [
        'POST',
        `Bearer ${ACCESS_TOKEN}`,
        'application/json',
        { resourceNames: [`projects/${PROJECT}`], filter, orderBy: 'timestamp asc', pageSize: 2, pageToken: 'page-2' },
      ],
      [
        'POST',
        `Bearer ${ACCESS_TOKEN}`,
        'application/json',
        { resourceNames: [`projects/${PROJECT}`], filter, orderBy: 'timestamp asc', pageSize: 2, pageToken: 'page-3' },
      ],
    ]);

    expect(r.truncated).toBe(false);
    expect(r.entries.map((e) => [e.timestamp, e.level, e.service, e.message])).toEqual([
      ['2024-05-01T10:00:02.000Z', 'error', 'app', 'fallback'],
      ['2024-05-01T10:00:03.000Z', 'info', 'cloudaudit.googleapis.com/activity', '{"methodName":"x"}'],
      ['2024-05-01T10:00:04.000Z', 'warn', 'worker', 'slow db'],
      ['2024-05-01T10:00:05.123Z', 'error', 'checkout-api', 'payment declined'],
    ]);
    expect(r.entries[3].metadata).toMatchObject({ logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`, insertId: 'i1', severity: 'ERROR' });
  });

  it('stops at limit and sets truncated', async () => {
    const r = await new GcpLoggingConnector(ctx(), { pageSize: 2 }).query(cfg(), { ...q, limit: 2 });
    expect(r.entries).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(seen.filter((s) => s.path === '/v2/entries:list').map((s) => (JSON.parse(s.raw) as { pageSize: number }).pageSize)).toEqual([2, 1]);
  });

  it('maps a key the token endpoint rejects (bad signature) to unauthorized', async () => {
    const err = await new GcpLoggingConnector(ctx())
      .query(cfg({ credentials: { serviceAccountJson: key(other.privateKey) } }), { ...q, limit: 10 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogSourceError);
    expect(err).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('invalid_grant') });
    expect(assertions).toHaveLength(0);
  });

  it('maps a 401 from entries:list to unauthorized', async () => {
    handler = (req, res) => (req.path === '/token' ? json(res, 200, { access_token: 'revoked', expires_in: 3599, token_type: 'Bearer' }) : google(req, res));
    const t = await gcpLoggingConnector(ctx()).testConnection(cfg());
    expect(t).toMatchObject({ connected: false, sampleLogs: [] });
    expect(t.message).toMatch(/401 Unauthorized/);
  });

  it('maps a 403 to forbidden with the role to grant', async () => {
    handler = (req, res) =>
      req.path === '/token' ? google(req, res) : json(res, 403, { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } });
    await expect(new GcpLoggingConnector(ctx()).query(cfg(), { ...q, limit: 10 })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('roles/logging.viewer'),
    });
  });

  it('retries a 429 from entries:list, then succeeds', async () => {
    let n = 0;
    handler = (req, res) =>
      req.path === '/v2/entries:list' && n++ === 0
        ? json(res, 429, { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }, { 'Retry-After': '0' })
        : google(req, res);
    const r = await new GcpLoggingConnector(ctx()).query(cfg(), { ...q, limit: 100 });
    expect(r.entries).toHaveLength(4);
    expect(seen.filter((s) => s.path === '/v2/entries:list')).toHaveLength(4);
  });

  it('times out when entries:list hangs past LOG_SOURCE_TIMEOUT_MS', async () => {
    handler = (req, res) => (req.path === '/token' ? google(req, res) : undefined);
    const err = await new GcpLoggingConnector(ctx({ timeoutMs: 300 })).query(cfg(), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout' });
  });

  it('times out when the token endpoint hangs', async () => {
    handler = () => undefined;
    const err = await new GcpLoggingConnector(ctx({ timeoutMs: 300 })).query(cfg(), { ...q, limit: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', message: expect.stringContaining('token endpoint') });
  });

  it('lists logs with GET v2/projects/<p>/logs and pageToken', async () => {
    const list = await new GcpLoggingConnector(ctx()).listSources(cfg());
    const gets = seen.filter((s) => s.method === 'GET');
    expect(gets.map((s) => [s.path, s.query.get('pageToken'), s.headers.authorization])).toEqual([
      [`/v2/projects/${PROJECT}/logs`, null, `Bearer ${ACCESS_TOKEN}`],
      [`/v2/projects/${PROJECT}/logs`, 'l2', `Bearer ${ACCESS_TOKEN}`],
    ]);
    expect(list).toEqual([
      { id: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`, name: 'run.googleapis.com/stdout', type: 'log' },
      { id: `projects/${PROJECT}/logs/app`, name: 'app', type: 'log' },
    ]);
  });

  it('validates the key and refuses blocked endpoints', async () => {
    const c = new GcpLoggingConnector(ctx());
    await expect(c.validateConfig(cfg({ credentials: { serviceAccountJson: '{not json' } }))).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(c.validateConfig(cfg({ credentials: { serviceAccountJson: '{"type":"authorized_user"}' } }))).rejects.toMatchObject({
      code: 'invalid_config',
    });
    await expect(
      c.query(cfg({ settings: { apiEndpoint: 'http://metadata.google.internal', tokenUri: `${base}/token` } }), { ...q, limit: 1 }),
    ).rejects.toMatchObject({
      code: 'blocked_host',
    });
    expect(seen).toHaveLength(0);
  });

  it('never follows a token endpoint redirect to a blocked host (issue 19.4), so no token is sent on', async () => {
    // The attacker's endpoint, on a blocked address (127.0.0.2 plays "another machine"); it would hand out a token.
    const attacker = await new LocalServer((_req, res) => json(res, 200, { access_token: 'attacker-token', expires_in: 3599, token_type: 'Bearer' })).start(
      '127.0.0.2',
    );
    try {
      const guarded = ctx({ blockedCidrs: ['169.254.0.0/16', '127.0.0.2/32'] });
      for (const status of [302, 307, 308]) {
        handler = (req, res) => {
          if (req.path === '/token') {
            res.writeHead(status, { Location: `${attacker.url}/token` });
            return res.end();
          }
          return google(req, res);
        };
        const err = await new GcpLoggingConnector(guarded).query(cfg(), { ...q, limit: 10 }).catch((e: unknown) => e);
        expect([status, err]).toMatchObject([status, { code: 'upstream_error', message: expect.stringMatching(/redirect/) }]);
      }
      expect(attacker.requests).toHaveLength(0);
      // Nothing was sent to the Logging API either: no token ever came back.
      expect(seen.filter((r) => r.path === '/v2/entries:list')).toHaveLength(0);
    } finally {
      await attacker.close();
    }
  });

  it('refuses a token endpoint whose name resolves into a blocked range, before any request', async () => {
    const err = await new GcpLoggingConnector(ctx({ blockedCidrs: ['127.0.0.0/8', '::1/128'] }))
      .query(cfg({ settings: { apiEndpoint: 'http://example.invalid', tokenUri: `http://localhost:${new URL(base).port}/token` } }), { ...q, limit: 1 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'blocked_host' });
    expect(seen).toHaveLength(0);
  });

  it('builds the filter from log names and expressions', () => {
    expect(buildGcpFilter(q.start, q.end, ['stdout', `projects/${PROJECT}/logs/app`, 'severity>=ERROR'], PROJECT)).toBe(
      'timestamp>="2024-05-01T10:00:00.000Z" AND timestamp<="2024-05-01T11:00:00.000Z" AND ' +
        `((logName="projects/${PROJECT}/logs/stdout") OR (logName="projects/${PROJECT}/logs/app") OR (severity>=ERROR))`,
    );
  });
});
