/*
 * A real login's latency under a password-guessing flood (issue 19.6): the app (ROLE=api, its own process, real
 * PostgreSQL, default limits) receives the issue's attack — one address trying 600 emails — and at the same time 20
 * addresses guessing 5 times each, while an owner logs in from fresh addresses. Prints the owner's login time idle
 * and during the flood (same run), how many scrypt runs the flood cost, and how fast refusals are answered. Never fails
 * on a timing. The first owner login arrives 200 ms into the flood, while the server is still absorbing the burst.
 * Clients are told apart by X-Forwarded-For from 127.0.0.1 (trusted by TRUST_PROXY's default, loopback).
 * Env: BENCH_SINGLE (default 600), BENCH_SPRAY_ADDRESSES (20), BENCH_SPRAY_TRIES (5).
 */
import { timedPost } from '../test/helpers/app';
import { OWNER, startCluster } from '../test/stress/cluster';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 600);
const SPRAY = Number(process.env.BENCH_SPRAY_ADDRESSES ?? 20);
const TRIES = Number(process.env.BENCH_SPRAY_TRIES ?? 5);

async function login(base: string, email: string, password: string, address: string): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  const r = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ email, password }),
  });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - started, text };
}

/** The owner's login on its own new connection: fetch would queue it behind the flood in this process. */
const ownerLogin = (base: string, address: string) =>
  timedPost(`${base}/v1/auth/login`, { email: OWNER.email, password: OWNER.password }, { 'x-forwarded-for': address });

async function hashes(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^sigsentry_password_hashes_total\{purpose="login"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  process.stdout.write('starting PostgreSQL and 1 api process (default login limits)…\n');
  const c = await startCluster({ apis: 1, workers: 0, env: { LOG_LEVEL: 'warn' } });
  try {
    const base = c.publicUrl;
    const idle: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await ownerLogin(base, `198.51.100.${i + 1}`);
      if (r.status !== 200) throw new Error(`idle login answered ${r.status}`);
      idle.push(r.ms);
    }
    // Warm the database pool (up to its 20 connections) so the figures are about logins, not about opening
    // connections: a cold pool opening 20 at once on a loaded host can time out (2 s) and answer 500.
    const me = () => fetch(`${base}/v1/auth/me`, { headers: { authorization: `Bearer ${c.token}` } }).then((r) => r.text());
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 40 }, me));
    const before = await hashes(base);
    const started = performance.now();
    const flood: Array<Promise<{ status: number; ms: number; text: string }>> = [];
    for (let i = 0; i < SINGLE; i++) flood.push(login(base, `flood${i}@example.com`, 'guess', '203.0.113.200'));
    for (let a = 0; a < SPRAY; a++) for (let i = 0; i < TRIES; i++) flood.push(login(base, `spray${a}-${i}@example.com`, 'guess', `100.64.${a}.1`));
    // The owner from an address it logged in from before (198.51.100.1–7: first in the hashing queue) and from new ones.
    const usual: number[] = [];
    const fresh: number[] = [];
    const ok: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const [u, f] = await Promise.all([ownerLogin(base, `198.51.100.${i + 1}`), ownerLogin(base, `198.51.100.${50 + i}`)]);
      usual.push(u.ms);
      fresh.push(f.ms);
      ok.push(u.status, f.status);
    }
    const statuses = await Promise.all(flood);
    const cost = (await hashes(base)) - before - ok.length;
    const refusedMs = statuses.filter((x) => x.status === 429).map((x) => x.ms);
    // Serial refusals: what one refused attempt costs the server (no concurrency).
    const serial: number[] = [];
    for (let i = 0; i < 50; i++) serial.push((await login(base, `serial${i}@example.com`, 'guess', '203.0.113.200')).ms);
    const drained = performance.now() - started;
    const counts = statuses.reduce<Record<number, number>>((m, s) => ((m[s.status] = (m[s.status] ?? 0) + 1), m), {});
    const errors = [...new Set(statuses.filter((x) => x.status >= 500).map((x) => x.text))];
    if (errors.length)
      process.stdout.write(
        `server errors: ${errors.slice(0, 3).join(' | ')}\n${c.apis[0].tail
          .filter((l) => /"level":50|error/i.test(l))
          .slice(-5)
          .join('\n')}\n`,
      );
    process.stdout.write(
      [
        `flood: ${flood.length} attempts (${SINGLE} from one address, ${SPRAY}×${TRIES} from ${SPRAY} addresses) → ${JSON.stringify(counts)}, ${cost} scrypt runs, drained in ${(drained / 1000).toFixed(1)} s`,
        `refused attempts: answered within median ${median(refusedMs).toFixed(0)} ms, last after ${Math.max(...refusedMs).toFixed(0)} ms; one at a time: median ${median(serial).toFixed(1)} ms`,
        `owner login during flood, per round (usual/new): ${usual.map((u, i) => `${u.toFixed(0)}/${fresh[i].toFixed(0)}`).join(', ')} ms`,
        `owner login idle:         median ${median(idle).toFixed(0)} ms (n=${idle.length})`,
        `owner login during flood, usual address: median ${median(usual).toFixed(0)} ms, max ${Math.max(...usual).toFixed(0)} ms (n=${usual.length})`,
        `owner login during flood, new address:   median ${median(fresh).toFixed(0)} ms, max ${Math.max(...fresh).toFixed(0)} ms (n=${fresh.length})`,
        `statuses ${ok.join(',')}; ratio during/idle (medians): usual ${(median(usual) / median(idle)).toFixed(2)}, new ${(median(fresh) / median(idle)).toFixed(2)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await c.stop();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
