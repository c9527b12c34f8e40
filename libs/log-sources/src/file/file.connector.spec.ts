/**
 * Real: the file connector, the file system (temp dirs, a real symlink), fast-glob, readline.
 * Stand-ins: none.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { FileConnector, fileConnector, parseFileLine } from './file.connector';

let tmp: string;
let logs: string;
let connector: FileConnector;

const cfg = (sources: string[]): LogSourceConfig => ({ type: 'file', credentials: {}, sources });
const window = { start: new Date('2024-05-01T10:00:00Z'), end: new Date('2024-05-01T10:59:59Z') };

function ctx(over: Partial<ConnectorContext> = {}): ConnectorContext {
  return { logFilesDir: logs, blockedCidrs: [], blockedHosts: [], timeoutMs: 10_000, maxLines: 1_000_000, ...over };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'file-connector-'));
  logs = path.join(tmp, 'logs');
  fs.mkdirSync(path.join(logs, 'app'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'outside'));
  fs.writeFileSync(
    path.join(logs, 'app', 'checkout.ndjson'),
    [
      JSON.stringify({ timestamp: '2024-05-01T10:00:01Z', level: 'error', service: 'checkout-api', message: 'payment failed', orderId: 42 }),
      JSON.stringify({ time: '2024-05-01T10:00:02.500Z', severity: 'WARNING', msg: 'retrying' }),
      JSON.stringify({ '@timestamp': '2024-05-01T10:00:03Z', level: 'fatal', message: 'crash' }),
      JSON.stringify({ time: Date.parse('2024-05-01T10:00:04Z'), level: 30, msg: 'pino info' }),
      JSON.stringify({ timestamp: '2024-05-01T09:00:00Z', level: 'error', message: 'before the window' }),
      JSON.stringify({ timestamp: '2024-05-01T12:00:00Z', level: 'error', message: 'after the window' }),
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(logs, 'app', 'payments.log'),
    [
      '2024-05-01T10:05:00Z ERROR db connection refused',
      '    at Pool.connect (pool.js:10)',
      '    at main (index.js:3)',
      '2024-05-01 10:06:00 level=warn slow query took 3s',
      '2024-05-01T12:07:00.123+02:00 [critical] disk full',
      '2024-05-01T10:08:00Z service started',
      '2024-05-01T11:30:00Z ERROR outside the window',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(tmp, 'outside', 'secret.log'), '2024-05-01T10:10:00Z ERROR secret outside the directory\n');
  fs.symlinkSync(path.join(tmp, 'outside', 'secret.log'), path.join(logs, 'app', 'escape.log'));
  connector = new FileConnector(ctx());
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('FileConnector.validateConfig', () => {
  it('accepts relative globs', () => {
    expect(() => connector.validateConfig(cfg(['app/*.log', '**/*.ndjson']))).not.toThrow();
  });

  it.each([
    ['/var/log/*.log'],
    ['C:\\logs\\*.log'],
    ['../outside/*.log'],
    ['app/../../outside/*.log'],
    ['app\\..\\..\\x.log'],
    ['{..,app}/*.log'],
    ['app/{x,..}/y.log'],
    ['@(..)/x.log'],
  ])('refuses %s with invalid_config', (glob) => {
    let err: unknown;
    try {
      connector.validateConfig(cfg([glob]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogSourceError);
    expect((err as LogSourceError).code).toBe('invalid_config');
    expect((err as LogSourceError).message).toMatch(/absolute|\.\./);
  });

  it('refuses an empty source list', () => {
    expect(() => connector.validateConfig(cfg([]))).toThrow(/at least one glob/);
  });
});

describe('FileConnector.query', () => {
  it('reads NDJSON and text files, maps fields and levels, filters by the window', async () => {
    const r = await connector.query(cfg(['app/*.ndjson', 'app/payments.log']), { ...window, sources: [], limit: 100 });
    expect(r.truncated).toBe(false);
    expect(r.entries.map((e) => [e.timestamp, e.level, e.service, e.message.split('\n')[0]])).toEqual([
      ['2024-05-01T10:00:01.000Z', 'error', 'checkout-api', 'payment failed'],
      ['2024-05-01T10:00:02.500Z', 'warn', 'checkout', 'retrying'],
      ['2024-05-01T10:00:03.000Z', 'error', 'checkout', 'crash'],
      ['2024-05-01T10:00:04.000Z', 'info', 'checkout', 'pino info'],
      ['2024-05-01T10:05:00.000Z', 'error', 'payments', 'ERROR db connection refused'],
      ['2024-05-01T10:06:00.000Z', 'warn', 'payments', 'level=warn slow query took 3s'],
      ['2024-05-01T10:07:00.123Z', 'error', 'payments', '[critical] disk full'],
      ['2024-05-01T10:08:00.000Z', 'info', 'payments', 'service started'],
    ]);
    const first = r.entries.find((e) => e.message === 'payment failed')!;
    expect(first.metadata).toEqual({ orderId: 42 });
    expect(JSON.parse(first.raw)).toMatchObject({ service: 'checkout-api' });
    // Stack-trace lines stay with their entry.
    const refused = r.entries.find((e) => e.message.startsWith('ERROR db'))!;
    expect(refused.message).toBe('ERROR db connection refused\n    at Pool.connect (pool.js:10)\n    at main (index.js:3)');
  });

  it('skips a symlink that leads outside LOG_FILES_DIR and reports it', async () => {
    const r = await connector.query(cfg(['app/*.log']), { ...window, sources: [], limit: 100 });
    expect(r.entries.some((e) => e.message.includes('secret'))).toBe(false);
    expect(r.entries.length).toBe(4);
    expect(r.warnings).toEqual([expect.stringMatching(/Skipped app\/escape\.log: it resolves outside LOG_FILES_DIR/)]);
  });

  it('stops at limit and sets truncated', async () => {
    const r = await connector.query(cfg(['app/payments.log']), { ...window, sources: [], limit: 2 });
    expect(r.entries.map((e) => e.timestamp)).toEqual(['2024-05-01T10:05:00.000Z', '2024-05-01T10:06:00.000Z']);
    expect(r.truncated).toBe(true);
    const exact = await connector.query(cfg(['app/payments.log']), { ...window, sources: [], limit: 4 });
    expect(exact.entries).toHaveLength(4);
    expect(exact.truncated).toBe(false);
  });

  it('caps at ANALYSIS_MAX_LINES too', async () => {
    const small = new FileConnector(ctx({ maxLines: 3 }));
    const r = await small.query(cfg(['app/*.ndjson']), { ...window, sources: [], limit: 100 });
    expect(r.entries).toHaveLength(3);
    expect(r.truncated).toBe(true);
  });

  it('refuses traversal at query time as well', async () => {
    await expect(connector.query(cfg(['ok.log']), { ...window, sources: ['../outside/*.log'], limit: 10 })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('reports a glob that matches nothing', async () => {
    const r = await connector.query(cfg(['nope/*.log']), { ...window, sources: [], limit: 10 });
    expect(r.entries).toEqual([]);
    expect(r.warnings?.[0]).toMatch(/No file under LOG_FILES_DIR matches "nope\/\*\.log"/);
  });

  it('streams a large file and stops reading at the limit', async () => {
    const big = path.join(logs, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(`2024-05-01T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00Z INFO line ${i}`);
    fs.writeFileSync(big, lines.join('\n'));
    try {
      const r = await connector.query(cfg(['big.log']), { ...window, sources: [], limit: 1000 });
      expect(r.entries).toHaveLength(1000);
      expect(r.truncated).toBe(true);
      expect(r.entries[999].message).toBe('INFO line 999');
    } finally {
      fs.rmSync(big);
    }
  });
});

describe('FileConnector.listSources / testConnection', () => {
  it('lists files under the directory as relative paths, without symlink escapes', async () => {
    const list = await connector.listSources();
    expect(list.map((s) => s.id)).toEqual(['app/checkout.ndjson', 'app/payments.log']);
  });

  it('test connection reads the last lines of the matched files', async () => {
    const r = await fileConnector(ctx()).testConnection(cfg(['app/payments.log']));
    expect(r.connected).toBe(true);
    expect(r.sampleLogs[0]).toEqual({ timestamp: '2024-05-01T11:30:00.000Z', level: 'error', service: 'payments', message: 'ERROR outside the window' });
    expect(r.sampleLogs.length).toBeGreaterThan(1);
  });

  it('test connection fails clearly when nothing matches or the glob escapes', async () => {
    expect(await connector.testConnection(cfg(['missing/*.log']))).toMatchObject({ connected: false, sampleLogs: [] });
    const r = await connector.testConnection(cfg(['/etc/passwd']));
    expect(r.connected).toBe(false);
    expect(r.message).toMatch(/absolute path/);
  });
});

describe('parseFileLine', () => {
  it('returns null for lines without a timestamp', () => {
    expect(parseFileLine('just text', 'svc')).toBeNull();
    expect(parseFileLine('{"message":"no time"}', 'svc')).toBeNull();
  });
  it('defaults to info and keeps the file service', () => {
    expect(parseFileLine('2024-05-01T10:00:00Z hello', 'svc')).toMatchObject({ level: 'info', service: 'svc', message: 'hello' });
  });
});

describe('quickTimestampMs (window pre-filter)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { quickTimestampMs } = require('./file.connector');
  it('reads zoned ISO timestamps of NDJSON and text lines, and leaves everything else to the full parser', () => {
    expect(quickTimestampMs('{"timestamp":"2024-05-01T10:00:00.123Z","level":"error","msg":"x"}')).toBe(Date.parse('2024-05-01T10:00:00.123Z'));
    expect(quickTimestampMs('{"level":"info","@timestamp":"2024-05-01T10:00:00+02:00"}')).toBe(Date.parse('2024-05-01T08:00:00Z'));
    expect(quickTimestampMs('2024-05-01T10:00:00Z ERROR boom')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(quickTimestampMs('{"time": 1714557600}')).toBeNull();
    expect(quickTimestampMs('2024-05-01 10:00:00 no zone')).toBeNull();
    expect(quickTimestampMs('    at com.example.Foo(Foo.java:10)')).toBeNull();
  });
});
