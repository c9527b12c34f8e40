/**
 * Real: the file connector, the file system (temp dirs, real symlinks), fast-glob, braces, micromatch.
 * Stand-ins: none.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogSourceError, type LogSourceConfig } from '../connector';
import type { ConnectorContext } from '../registry';
import { braceExpansionBound, expandFileGlob } from './file-glob';
import fc from 'fast-check';
import { FileConnector, fileConnector, isoToMs, parseFileLine, quickInfoEntry, quickTimestampMs } from './file.connector';

const PROJECT = '0b7e5b0e-1c1a-4c43-9e51-5e2d7f3a9a01';
const OTHER = '6f1d2c3b-4a59-4e68-8f70-91a2b3c4d5e6';
let tmp: string;
let logs: string;
let mine: string;
let connector: FileConnector;

const cfg = (sources: string[], projectId = PROJECT): LogSourceConfig => ({ type: 'file', credentials: {}, sources, projectId });
const window = { start: new Date('2024-05-01T10:00:00Z'), end: new Date('2024-05-01T10:59:59Z') };

function ctx(over: Partial<ConnectorContext> = {}): ConnectorContext {
  return { logFilesDir: logs, blockedCidrs: [], blockedHosts: [], timeoutMs: 10_000, maxLines: 1_000_000, ...over };
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    return e instanceof LogSourceError ? e.code : `other: ${(e as Error).message}`;
  }
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'file-connector-'));
  logs = path.join(tmp, 'logs');
  mine = path.join(logs, PROJECT);
  fs.mkdirSync(path.join(mine, 'app'), { recursive: true });
  fs.mkdirSync(path.join(logs, OTHER), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'elsewhere', 'deep'), { recursive: true });
  fs.writeFileSync(
    path.join(mine, 'app', 'checkout.ndjson'),
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
    path.join(mine, 'app', 'payments.log'),
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
  // Another project's files and files at the root of LOG_FILES_DIR: never this project's.
  fs.writeFileSync(path.join(logs, OTHER, 'theirs.log'), '2024-05-01T10:10:00Z ERROR OTHER-TENANT-LINE\n');
  fs.writeFileSync(path.join(logs, 'root.log'), '2024-05-01T10:10:00Z ERROR ROOT-LINE\n');
  // Outside the folder, reached through links.
  for (const f of ['secret.log', 'a.log', 'b.log']) fs.writeFileSync(path.join(tmp, 'elsewhere', f), '2024-05-01T10:10:00Z ERROR OUTSIDE-LINE\n');
  fs.writeFileSync(path.join(tmp, 'elsewhere', 'deep', 'c.log'), '2024-05-01T10:10:00Z ERROR OUTSIDE-LINE\n');
  fs.symlinkSync(path.join(tmp, 'elsewhere', 'secret.log'), path.join(mine, 'app', 'escape.log'));
  fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(mine, 'dirlink'));
  fs.symlinkSync(path.join(logs, OTHER), path.join(mine, 'neighbour'));
  // A link that stays inside is fine.
  fs.symlinkSync(path.join(mine, 'app', 'payments.log'), path.join(mine, 'current.log'));
  connector = new FileConnector(ctx());
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('file globs', () => {
  it('accepts relative globs, braces that stay inside included', () => {
    expect(() => connector.validateConfig(cfg(['app/*.log', '**/*.ndjson', 'app/{checkout,payments}.*']))).not.toThrow();
    expect(expandFileGlob('app/{a,b}/*.log')).toEqual(['app/a/*.log', 'app/b/*.log']);
    expect(expandFileGlob('./app/*.log')).toEqual(['app/*.log']);
  });

  it.each([
    ['/var/log/*.log', /absolute/],
    ['C:\\logs\\*.log', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['~/x.log', /absolute/],
    ['../outside/*.log', /\.\./],
    ['app/../../outside/*.log', /\.\./],
    ['app\\..\\..\\x.log', /\.\./],
    ['{..,app}/*.log', /\.\./],
    ['app/{x,..}/y.log', /\.\./],
    ['@(..)/x.log', /\.\./],
    ['+(..|app)/*.log', /\.\./],
    // The brace walk of issue 19.3 and its relatives: each expansion is checked, not the text.
    ['{.,}./{.,}./etc/*', /\.\./],
    ['{.,}.{/,}etc/passwd', /\.\./],
    ['{/etc,app}/*', /absolute/],
    ['.[.]/etc/*', /\.\./],
    ['*(.)/etc/*', /\.\./],
    ['?(.)./x', /\.\./],
    ['.?/x', /\.\./],
    ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}', /more than 64 patterns/],
    ['{1..100000}.log', /more than 64 patterns/],
    ['a\u0000b', /NUL/],
  ])('refuses %s with invalid_config', (glob, message) => {
    let err: unknown;
    try {
      connector.validateConfig(cfg([glob]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogSourceError);
    expect((err as LogSourceError).code).toBe('invalid_config');
    expect((err as LogSourceError).message).toMatch(message);
  });

  it('bounds a brace bomb before expanding anything', () => {
    const bomb = '{a,b}'.repeat(200);
    const t = process.hrtime.bigint();
    expect(braceExpansionBound(bomb)).toBeGreaterThan(1e50);
    expect(() => expandFileGlob(bomb)).toThrow(/more than 64 patterns/);
    // (No timing assertion: the point is that it returns at all instead of expanding 2^200 patterns.)
    expect(process.hrtime.bigint() > t).toBe(true);
  });

  it('refuses an empty source list and a missing or malformed project', () => {
    expect(() => connector.validateConfig(cfg([]))).toThrow(/at least one glob/);
    expect(() => connector.validateConfig(cfg(['*.log'], ''))).toThrow(/project id/);
    expect(() => connector.validateConfig(cfg(['*.log'], '../x'))).toThrow(/project id/);
  });
});

describe('FileConnector.query reads only the project folder', () => {
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

  it("never reads another project's folder or the root of LOG_FILES_DIR, whatever the glob", async () => {
    const r = await connector.query(cfg(['**/*', '*', '**/*.log']), { ...window, sources: [], limit: 1000 });
    const text = JSON.stringify(r);
    expect(text).not.toContain('OTHER-TENANT-LINE');
    expect(text).not.toContain('ROOT-LINE');
    expect(text).not.toContain('OUTSIDE-LINE');
    expect(r.entries.length).toBeGreaterThan(0);
    // The other project sees only its own file.
    const theirs = await connector.query(cfg(['**/*'], OTHER), { ...window, sources: [], limit: 1000 });
    expect(theirs.entries.map((e) => e.message)).toEqual(['ERROR OTHER-TENANT-LINE']);
  });

  it('skips links leading outside the folder, counts them and never names them or what they point at', async () => {
    const r = await connector.query(cfg(['**/*.log', 'dirlink/*', 'dirlink/**', 'neighbour/*', 'app/escape.log']), { ...window, sources: [], limit: 100 });
    const text = JSON.stringify(r);
    expect(text).not.toContain('OUTSIDE-LINE');
    expect(text).not.toContain('OTHER-TENANT-LINE');
    for (const name of ['escape', 'secret', 'dirlink', 'neighbour', 'theirs', 'elsewhere', tmp]) expect(r.warnings?.join(' ') ?? '').not.toContain(name);
    // app/escape.log (twice: via **/*.log and by name) is one entry; dirlink/* and dirlink/** are two globs whose
    // starting directory leads out, neighbour/* one more: the outside directories were never walked (4 files there).
    expect(r.warnings).toEqual([expect.stringMatching(/^[0-9]+ entries leading outside this project's folder \(symbolic links\) skipped\.$/)]);
    const count = Number(/^(\d+)/.exec(r.warnings![0])![1]);
    expect(count).toBe(5);
    // current.log links inside the folder: read once (it is the same file as app/payments.log).
    expect(r.entries.filter((e) => e.message === 'service started')).toHaveLength(1);
  });

  it('says where the folder is when it does not exist yet', async () => {
    const fresh = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const r = await connector.query(cfg(['*.log'], fresh), { ...window, sources: [], limit: 10 });
    expect(r.entries).toEqual([]);
    expect(r.warnings?.[0]).toContain(path.join(logs, fresh));
    expect((await connector.testConnection(cfg(['*.log'], fresh))).connected).toBe(false);
  });

  it('stops at limit and sets truncated', async () => {
    const r = await connector.query(cfg(['app/payments.log']), { ...window, sources: [], limit: 2 });
    expect(r.entries.map((e) => e.timestamp)).toEqual(['2024-05-01T10:05:00.000Z', '2024-05-01T10:06:00.000Z']);
    expect(r.truncated).toBe(true);
    const exact = await connector.query(cfg(['app/payments.log']), { ...window, sources: [], limit: 4 });
    expect(exact.entries).toHaveLength(4);
    expect(exact.truncated).toBe(false);
  });

  it('refuses traversal at query time as well', async () => {
    expect(await codeOf(() => connector.query(cfg(['ok.log']), { ...window, sources: ['../outside/*.log'], limit: 10 }))).toBe('invalid_config');
    expect(await codeOf(() => connector.query(cfg(['ok.log']), { ...window, sources: ['{.,}./{.,}./*'], limit: 10 }))).toBe('invalid_config');
  });

  it('reports a glob that matches nothing', async () => {
    const r = await connector.query(cfg(['nope/*.log']), { ...window, sources: [], limit: 10 });
    expect(r.entries).toEqual([]);
    expect(r.warnings?.[0]).toMatch(/No file in this project's folder matches "nope\/\*\.log"/);
  });

  it('stops the walk at its file cap (1000 by default) and says so', async () => {
    const many = path.join(mine, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 25; i++) fs.writeFileSync(path.join(many, `f${String(i).padStart(4, '0')}.log`), '');
    try {
      const capped = new FileConnector(ctx(), { maxFiles: 20 });
      const r = await capped.query(cfg(['many/*.log']), { ...window, sources: [], limit: 10 });
      expect(r.warnings).toContain('More than 20 files matched; only the first 20 were read.');
      expect((await capped.listSources(cfg(['*']))).length).toBe(20);
      expect((await connector.query(cfg(['many/*.log']), { ...window, sources: [], limit: 10 })).warnings ?? []).not.toContainEqual(
        expect.stringMatching(/files matched/),
      );
    } finally {
      fs.rmSync(many, { recursive: true });
    }
  });
});

describe('FileConnector.pages streams', () => {
  it('hands out pages while the file is still being read, and skips out-of-window and over-long lines', async () => {
    const big = path.join(mine, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`2024-05-01T${i < 2000 ? '09' : '10'}:${String(Math.floor(i / 400) % 60).padStart(2, '0')}:00Z INFO line ${i}`);
    lines.splice(5000, 0, `2024-05-01T10:30:00Z ${'x'.repeat(1_100_000)}`);
    fs.writeFileSync(big, lines.join('\n'));
    try {
      const it = connector.pages(cfg(['big.log']), { ...window, sources: [], limit: 1_000_000 })[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      expect(first.value.entries.length).toBeGreaterThan(0);
      expect(first.value.entries.length).toBeLessThan(18_000);
      expect(first.value.entries[0].message).toBe('INFO line 2000');
      let total = first.value.entries.length;
      const warnings: string[] = [];
      for (let s = await it.next(); !s.done; s = await it.next()) {
        total += s.value.entries.length;
        warnings.push(...(s.value.warnings ?? []));
      }
      expect(total).toBe(18_000);
      expect(warnings).toEqual(['big.log: 1 line(s) longer than 1048576 characters were skipped.']);
    } finally {
      fs.rmSync(big);
    }
  });
});

describe('FileConnector.listSources / testConnection', () => {
  it('lists the files of the project folder as relative paths, without links leading out', async () => {
    const list = await connector.listSources(cfg(['*']));
    // current.log links to app/payments.log: one file, listed once.
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

  it('shows the folder of the project', () => {
    expect(connector.localFolder(cfg(['*']))).toBe(path.join(logs, PROJECT));
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

describe('cheap timestamps (window pre-filter)', () => {
  it('reads ISO timestamps of NDJSON and text lines, and leaves everything else to the full parser', () => {
    expect(quickTimestampMs('{"timestamp":"2024-05-01T10:00:00.123Z","level":"error","msg":"x"}')).toBe(Date.parse('2024-05-01T10:00:00.123Z'));
    expect(quickTimestampMs('{"level":"info","@timestamp":"2024-05-01T10:00:00+02:00"}')).toBe(Date.parse('2024-05-01T08:00:00Z'));
    expect(quickTimestampMs('2024-05-01T10:00:00Z ERROR boom')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    // No zone: UTC, as the full parser reads it.
    expect(quickTimestampMs('2024-05-01 10:00:00 no zone')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(quickTimestampMs('{"time": 1714557600}')).toBeNull();
    expect(quickTimestampMs('    at com.example.Foo(Foo.java:10)')).toBeNull();
    expect(quickTimestampMs('2024-13-01T10:00:00Z month 13')).toBeNull();
  });

  it('agrees with Date.parse on every form it accepts', () => {
    for (const s of [
      '2024-05-01T10:00:00Z',
      '2024-05-01T10:00:00.5Z',
      '2024-05-01T10:00:00.123456789Z',
      '2024-05-01T10:00:00+02:00',
      '2024-05-01T10:00:00-0530',
      '2024-05-01T10:00Z',
      '2024-02-29T23:59:59.999+00:00',
    ]) {
      const norm = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
      expect([s, isoToMs(s, 0, s.length)]).toEqual([s, Date.parse(norm)]);
    }
    expect(isoToMs('2024-05-01T10:00:00Zjunk', 0, 24)).toBeNull();
  });
});

describe('info lines read without parsing (LogQuery.detail "problems")', () => {
  const key = fc.constantFrom('timestamp', 'time', '@timestamp', 'level', 'severity', 'service', 'message', 'msg', 'user', 'id', 'path');
  const value = fc.oneof(
    fc.constantFrom('info', 'INFO', 'debug', 'warn', 'error', 'WARNING', 'fatal', 'notice', '', 'checkout-api'),
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2024-05-01 10:00:00', '2024-05-01T10:00:00+02:00', '2024-05-01T10:00Z'),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.constant(null),
    fc.constant({ nested: 'level' }),
    fc.constant(['a']),
  );
  const line = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }).map((o) => JSON.stringify(o));

  it('agrees with the full parser on every line it accepts (property, seeded)', () => {
    fc.assert(
      fc.property(line, (l) => {
        const quick = quickInfoEntry(l, 'file-svc');
        if (!quick) return true;
        const full = parseFileLine(l, 'file-svc');
        expect(full).not.toBeNull();
        expect({ timestamp: quick.timestamp, level: quick.level, service: quick.service }).toEqual({
          timestamp: full!.timestamp,
          level: full!.level,
          service: full!.service,
        });
        return true;
      }),
      { seed: 1719, numRuns: 3000 },
    );
  });

  it('accepts the common info lines and leaves the rest to the parser', () => {
    const ts = '2024-05-01T10:00:00.000Z';
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":"info","service":"api","message":"ok"}`, 'f')).toMatchObject({
      timestamp: ts,
      level: 'info',
      service: 'api',
      message: '',
    });
    expect(quickInfoEntry(`{"timestamp":"${ts}","message":"no level"}`, 'f')).toMatchObject({ level: 'info', service: 'f' });
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":"error","message":"x"}`, 'f')).toBeNull();
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":"info","ctx":{"level":"error"}}`, 'f')).toBeNull();
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":30}`, 'f')).toBeNull();
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":"info","service":"a\\"b"}`, 'f')).toBeNull();
    expect(quickInfoEntry(`{"timestamp":"${ts}","level":"info"`, 'f')).toBeNull();
  });

  it('reads the same lines, levels and services as a full read', async () => {
    const q = { ...window, sources: [], limit: 1000 };
    const full = await connector.query(cfg(['app/*']), q);
    const quick = await connector.query(cfg(['app/*']), { ...q, detail: 'problems' });
    const shape = (r: typeof full) => r.entries.map((e) => [e.timestamp, e.level, e.service]);
    expect(shape(quick)).toEqual(shape(full));
    expect(quick.entries.filter((e) => e.level !== 'info')).toEqual(full.entries.filter((e) => e.level !== 'info'));
  });
});
