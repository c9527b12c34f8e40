/*
 * Real: the repository's docker-compose.yml and Dockerfile, parsed (no Docker engine runs here).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const env = (svc: string): Record<string, string> => compose.services[svc].environment;

describe('foundation: production shape (docker-compose.yml, Dockerfile)', () => {
  it('has postgres, an api and a worker service', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'worker']);
    expect(compose.services.postgres.image).toMatch(/^postgres:\d+/);
  });

  it('runs api and worker from the same image with ROLE=api and ROLE=worker', () => {
    expect(env('api').ROLE).toBe('api');
    expect(env('worker').ROLE).toBe('worker');
    expect(compose.services.api.image).toBe(compose.services.worker.image);
    expect(compose.services.api.build).toEqual(compose.services.worker.build);
    expect(compose.services.api.ports?.length).toBeGreaterThan(0);
    expect(compose.services.worker.ports).toBeUndefined();
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

  it('builds a multi-stage node:24 image that runs as non-root with a health check and no baked secret', () => {
    const froms = dockerfile.match(/^FROM\s+\S+/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/node:24/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER\s+(?!root)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/src\/main\.js"\]/m);
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s+.*(ENCRYPTION_KEY|SESSION_SECRET|PASSWORD|CLIENT_SECRET)/m);
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', '.data', '.env', '.git']) expect(ignore).toContain(p);
  });
});
