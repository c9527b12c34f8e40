/*
 * Real: the repository's docker-compose.yml, Dockerfile, .env.example and proxy config, parsed. Building and running
 * them for real is `npm run test:deploy` (scripts/deploy-test/run.mjs; .ci/run runs it where Docker can be started).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const env = (svc: string): Record<string, string> => compose.services[svc].environment;

describe('production shape (docker-compose.yml, Dockerfile)', () => {
  it('has postgres, a one-shot migrate service, api, worker, the proxy and an optional sandbox', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'migrate', 'postgres', 'proxy', 'sandbox', 'worker']);
    expect(compose.services.postgres.image).toMatch(/^\$\{POSTGRES_IMAGE:-postgres:\d+\}$/);
    expect(compose.services.proxy.image).toMatch(/^\$\{PROXY_IMAGE:-haproxy:[\d.]+\}$/);
    expect(compose.services.sandbox.profiles).toEqual(['sandbox']);
    for (const svc of ['api', 'worker', 'migrate', 'postgres', 'proxy']) expect(compose.services[svc].profiles).toBeUndefined();
    expect(Object.keys(compose.volumes)).toContain('pgdata');
    expect(compose.services.postgres.volumes).toContain('pgdata:/var/lib/postgresql');
  });

  it('stays readable by docker-compose 1.29 (no top-level name, no env_file long syntax, no version key needed)', () => {
    expect(compose.name).toBeUndefined();
    for (const svc of Object.values<any>(compose.services)) if (svc.env_file !== undefined) expect(typeof svc.env_file).toBe('string');
  });

  it('migrates once, before api and worker start; only the proxy publishes a port, so api and worker scale with --scale', () => {
    expect(env('migrate').ROLE).toBe('migrate');
    expect(compose.services.migrate.restart).toBe('no');
    for (const svc of ['api', 'worker']) {
      expect(compose.services[svc].depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(compose.services[svc].ports).toBeUndefined();
      expect(compose.services[svc].container_name).toBeUndefined();
      expect(compose.services[svc].stop_grace_period).toBe('30s');
    }
    expect(compose.services.proxy.ports).toHaveLength(1);
    expect(compose.services.proxy.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const cfg = readFileSync(join(root, 'deploy', 'haproxy.cfg'), 'utf8');
    expect(cfg).toMatch(/server-template api \S+ api:3000/);
    expect(cfg).toMatch(/uri \/health\/ready/);
    expect(cfg).toMatch(/retry-on conn-failure/);
  });

  it('.env.example documents every variable the compose file reads', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    const documented = new Set(
      readFileSync(join(root, '.env.example'), 'utf8')
        .split('\n')
        .map((l) => l.match(/^#?\s*([A-Z0-9_]+)=/)?.[1])
        .filter(Boolean),
    );
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
    for (const v of ['ENCRYPTION_KEY_PREVIOUS', 'SHUTDOWN_GRACE_SECONDS', 'INTERCOM_API_URL', 'ADMIN_EMAIL', 'TRUST_PROXY'])
      expect(documented.has(v)).toBe(true);
  });

  it('runs api and worker from the same image with ROLE=api and ROLE=worker', () => {
    expect(env('api').ROLE).toBe('api');
    expect(env('worker').ROLE).toBe('worker');
    expect(compose.services.api.image).toBe(compose.services.worker.image);
    expect(compose.services.api.build).toEqual(compose.services.worker.build);
    expect(compose.services.migrate.image).toBe(compose.services.api.image);
  });

  it('wires DATABASE_URL of both roles to the postgres service, after it is healthy', () => {
    for (const svc of ['api', 'worker']) {
      const url = env(svc).DATABASE_URL;
      expect(url).toMatch(/^postgres(ql)?:\/\/[^@]+@postgres:5432\//);
      expect(url).toContain('${POSTGRES_PASSWORD');
      expect(compose.services[svc].depends_on.postgres.condition).toBe('service_healthy');
      expect(env(svc).ENCRYPTION_KEY).toMatch(/^\$\{ENCRYPTION_KEY:\?/);
      expect(env(svc).SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
    }
  });

  it('has health checks: pg_isready for postgres, /health/ready for api and worker', () => {
    expect(compose.services.postgres.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    for (const svc of ['api', 'worker']) {
      expect(compose.services[svc].healthcheck.test.join(' ')).toContain('/health/ready');
      expect(compose.services[svc].healthcheck.interval).toBeTruthy();
    }
  });

  it('contains no literal secret: every secret-looking value is a ${VAR} reference', () => {
    const secretish = /PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL/;
    const walk = (node: unknown, path: string[]): void => {
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
        return;
      }
      const key = path[path.length - 1] ?? '';
      if (secretish.test(key) && typeof node === 'string' && node !== '') {
        expect({ path: path.join('.'), value: node.replace(/\$\{[^}]+\}/g, '') }).toEqual({
          path: path.join('.'),
          value: node.startsWith('postgres') ? node.replace(/\$\{[^}]+\}/g, '') : '',
        });
        if (key === 'DATABASE_URL') expect(node).toMatch(/:\$\{POSTGRES_PASSWORD[^}]*\}@/);
      }
    };
    walk(compose.services, []);
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/[0-9a-f]{64}/i);
  });

  it('builds a multi-stage Node 24 image that runs as non-root with a health check and no baked secret', () => {
    const froms = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM \$\{NODE_IMAGE\}/);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/--mount=type=secret,id=npm_ca/);
    expect(dockerfile).not.toMatch(/^#\s*syntax=/m);
    expect(dockerfile).toMatch(/^USER\s+(?!root)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/ready/m);
    expect(dockerfile).not.toMatch(/^ENV[^\n]*\bROLE=/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/src\/main\.js"\]/m);
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s+.*(ENCRYPTION_KEY|SESSION_SECRET|PASSWORD|CLIENT_SECRET)/m);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', '.data', '.env', '.git']) expect(ignore).toContain(p);
  });
});
