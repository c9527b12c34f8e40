import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LogSourceView, type LogSourceTypeMetadata } from '@app/contracts';
import { testLogSource } from './api/log-sources';
import { buildLogSourceInput, initialFormState, parseSources, testDetail } from './form-model';

const cloudwatch: LogSourceTypeMetadata = {
  type: 'cloudwatch',
  displayName: 'AWS CloudWatch',
  sourcesLabel: 'Log groups',
  sourcesPlaceholder: '/aws/lambda/checkout',
  setupHint: 'Create an IAM user with logs:FilterLogEvents',
  fields: [
    { key: 'accessKeyId', label: 'Access key id', type: 'text', required: true, location: 'credentials' },
    { key: 'secretAccessKey', label: 'Secret access key', type: 'password', required: true, location: 'credentials' },
    { key: 'region', label: 'Region', type: 'text', required: true, location: 'region' },
    { key: 'endpoint', label: 'Endpoint', type: 'text', required: false, location: 'settings' },
  ],
};

const existing: LogSourceView = {
  id: 'ls1',
  projectId: 'p1',
  type: 'cloudwatch',
  name: 'prod',
  sources: ['/a', '/b'],
  region: 'eu-west-1',
  settings: { endpoint: 'http://localhost:4566' },
  isActive: true,
  lastTestedAt: null,
  lastTestResult: null,
  credentialKeys: ['accessKeyId', 'secretAccessKey'],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('log source form model', () => {
  it('never prefills credentials on edit, but keeps settings, region and sources', () => {
    const s = initialFormState(cloudwatch, existing);
    expect(s.values).toEqual({ accessKeyId: '', secretAccessKey: '', region: 'eu-west-1', endpoint: 'http://localhost:4566' });
    expect(s.sources).toBe('/a\n/b');
  });

  it('create: requires every required credential and a source', () => {
    const s = { ...initialFormState(cloudwatch), name: 'prod', values: { accessKeyId: 'AK', secretAccessKey: '', region: 'us-east-1', endpoint: '' } };
    const { errors } = buildLogSourceInput(cloudwatch, s, 'create');
    expect(errors.secretAccessKey).toMatch(/Secret access key/);
    expect(errors.sources).toMatch(/Log groups/);
  });

  it('create: splits values by location', () => {
    const s = {
      type: 'cloudwatch',
      name: ' prod ',
      sources: '/a\n\n /b \n',
      values: { accessKeyId: ' AK ', secretAccessKey: ' s3cret ', region: 'us-east-1', endpoint: '' },
    };
    const { input, errors } = buildLogSourceInput(cloudwatch, s, 'create');
    expect(Object.values(errors).filter(Boolean)).toEqual([]);
    expect(input).toEqual({
      type: 'cloudwatch',
      name: 'prod',
      sources: ['/a', '/b'],
      credentials: { accessKeyId: 'AK', secretAccessKey: ' s3cret ' },
      region: 'us-east-1',
    });
  });

  it('edit: omits credentials when none typed (unchanged on the server)', () => {
    const { input, errors } = buildLogSourceInput(cloudwatch, initialFormState(cloudwatch, existing), 'edit');
    expect(Object.values(errors).filter(Boolean)).toEqual([]);
    expect(input).not.toHaveProperty('credentials');
    expect(input).not.toHaveProperty('type');
    expect(input.settings).toEqual({ endpoint: 'http://localhost:4566' });
  });

  it('edit: typing one credential means a full replacement, so all required ones are needed', () => {
    const s = initialFormState(cloudwatch, existing);
    s.values.secretAccessKey = 'new';
    const { errors } = buildLogSourceInput(cloudwatch, s, 'edit');
    expect(errors.accessKeyId).toMatch(/required when replacing/);
    s.values.accessKeyId = 'AK2';
    const ok = buildLogSourceInput(cloudwatch, s, 'edit');
    expect(ok.input.credentials).toEqual({ accessKeyId: 'AK2', secretAccessKey: 'new' });
  });

  it('parseSources drops blank lines', () => {
    expect(parseSources(' a \n\n b\n')).toEqual(['a', 'b']);
  });
});

describe('testLogSource', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('returns a failed test (HTTP 200, success:false) as a result with the server message', async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({
            success: false,
            data: { connected: false, message: 'ECONNREFUSED 127.0.0.1:9', sampleLogs: [] },
            error: { code: 'LOG_SOURCE_CONNECTION_FAILED', message: 'ECONNREFUSED 127.0.0.1:9' },
          }),
          { status: 200 },
        ),
    );
    await expect(testLogSource('p', 'ls1')).resolves.toEqual({
      connected: false,
      message: 'ECONNREFUSED 127.0.0.1:9',
      sampleLogs: [],
      code: 'LOG_SOURCE_CONNECTION_FAILED',
    });
  });

  it('returns a successful test with sample logs, sending the project header', async () => {
    let seen: Headers | undefined;
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      seen = new Headers(init.headers);
      return new Response(
        JSON.stringify({
          success: true,
          data: { connected: true, message: 'ok', sampleLogs: [{ timestamp: 't', level: 'error', service: 's', message: 'm' }] },
        }),
        { status: 200 },
      );
    });
    const r = await testLogSource('proj', 'ls1');
    expect(r.connected).toBe(true);
    expect(r.sampleLogs).toHaveLength(1);
    expect(seen?.get('X-Project-Id')).toBe('proj');
  });

  it('still throws real errors (404)', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ success: false, error: { code: 'NOT_FOUND', message: 'Log source not found' } }), { status: 404 }),
    );
    await expect(testLogSource('p', 'x')).rejects.toMatchObject({ status: 404, message: 'Log source not found' });
  });
});

describe('testDetail', () => {
  it('drops the leading verdict the UI already shows, keeps the rest', () => {
    expect(testDetail('Connected: 1 file(s) matched; 5 recent line(s) read.')).toBe('1 file(s) matched; 5 recent line(s) read.');
    expect(testDetail('Connection failed: 401 invalid token')).toBe('401 invalid token');
    expect(testDetail('No file under LOG_FILES_DIR matches a/*.log.')).toBe('No file under LOG_FILES_DIR matches a/*.log.');
    expect(testDetail('Connected to Loki')).toBe('Connected to Loki');
  });
});
