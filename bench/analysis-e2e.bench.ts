/* End-to-end analysis time and peak memory for a 1,000,000-line window from a `file` log source, as the pipeline runs
 * it: the registry's file connector streams NDJSON from the project's folder under a temp LOG_FILES_DIR (window +
 * same-length baseline in one pass), the collector hands each page straight to the streaming engine (createAnalyzer),
 * which keeps aggregates only; finish() builds the result. The file is generated
 * in this process; the analysis runs in a child process, so its peak RSS (getrusage maxrss) is the analysis's own.
 * The child runs the way production runs the server: compiled JavaScript (swc with the repo's .swcrc, as `npm run build`
 * writes dist/ for `npm start` and the Docker image), on plain `node` with no extra flags. The same child run through the
 * on-the-fly TypeScript compiler (scripts/run-ts.cjs, how benches and CLIs run) is measured beside it: that compiler
 * costs memory of its own before any line is read. Both print RSS before reading and the peak.
 * BENCH_LINES overrides the window size. Data: the generated `upstream_timeout_chain` incident (seed 7), never tuned on.
 * Never fails on a timing. */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Options } from '@swc/core';
import { collectLogs } from '@app/analysis';
import { createAnalyzer, generateScenario } from '@app/analysis/engine';
import { createLogSourceRegistry } from '@app/log-sources';

const out = (s: string) => process.stdout.write(`${s}\n`);
const N = Number(process.env.BENCH_LINES ?? 1_000_000);
const BASELINE = Math.round(N / 4);
const PROJECT = '5d1c8a44-6f3e-4b2a-9c71-0e8f2b7d4a10';

interface Meta {
  window: { start: string; end: string };
  services: Array<{ name: string }>;
  expected: { origin: string; category: string };
  windowLines: number;
  mb: number;
}

async function writeNdjson(path: string, parts: Array<Array<{ timestamp: string; level: string; service: string; message: string }>>): Promise<void> {
  const ws = createWriteStream(path);
  for (const entries of parts) {
    let buf = '';
    for (const e of entries) {
      buf += `${JSON.stringify({ timestamp: e.timestamp, level: e.level, service: e.service, message: e.message })}\n`;
      if (buf.length > 1 << 20) {
        if (!ws.write(buf)) await new Promise<void>((r) => ws.once('drain', () => r()));
        buf = '';
      }
    }
    ws.write(buf);
  }
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
}

/** The measured part, in a fresh process: collect (stream + parse + route) and the engine. */
async function child(dir: string): Promise<void> {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const registry = createLogSourceRegistry({
    logFilesDir: dir,
    logSourceBlockedCidrs: [],
    logSourceBlockedHosts: [],
    logSourceTimeoutMs: 600_000,
    analysisMaxLines: 2_000_000,
  });
  const connector = registry.get('file')!;
  const rssBefore = process.memoryUsage().rss / 1e6;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const analyzer = createAnalyzer({ window: meta.window, description: 'bench', services: meta.services, maxLines: 2_000_000 });
  const logs = await collectLogs({
    sources: [
      { id: 'bench', name: 'bench-files', type: 'file', connector, config: { type: 'file', credentials: {}, sources: ['*.ndjson'], projectId: PROJECT } },
    ],
    start: new Date(meta.window.start),
    end: new Date(meta.window.end),
    timeoutMs: 600_000,
    maxLines: 2_000_000,
    sink: analyzer,
    detail: 'problems',
  });
  const t1 = process.hrtime.bigint();
  const cpuRead = process.cpuUsage(cpu0);
  const rssRead = process.resourceUsage().maxRSS / 1024;
  const result = analyzer.finish();
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      fetchS: Number(t1 - t0) / 1e9,
      engineS: Number(t2 - t1) / 1e9,
      cpuS: (cpu.user + cpu.system) / 1e6,
      cpuReadS: (cpuRead.user + cpuRead.system) / 1e6,
      windowLines: logs.windowLines,
      baselineLines: logs.baselineLines,
      reasons: logs.reasons,
      logsScanned: result.logsScanned,
      origin: result.rootCause.service,
      category: result.rootCause.category,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      maxRssReadMb: rssRead,
      rssBeforeMb: rssBefore,
      compiled: __filename.endsWith('.js'),
    }),
  );
}

const repoRoot = join(__dirname, '..');

/**
 * The libraries and this bench compiled to JavaScript under `outDir` as `npm run build` compiles them (swc, the repo's
 * .swcrc: @app/* imports rewritten to relative paths; specs left out), with node_modules linked beside them.
 * Returns the compiled bench.
 */
async function compile(outDir: string): Promise<string> {
  // Loaded here, not at the top: the measured child must not load the compiler.
  const { transformFileSync } = await import('@swc/core');
  const rc = JSON.parse(readFileSync(join(repoRoot, '.swcrc'), 'utf8')) as Options & { $schema?: string };
  delete rc.$schema;
  const options: Options = { ...rc, swcrc: false, sourceMaps: false, jsc: { ...rc.jsc, baseUrl: repoRoot } };
  const files: string[] = [join(repoRoot, 'bench', 'analysis-e2e.bench.ts')];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const lib of readdirSync(join(repoRoot, 'libs'))) walk(join(repoRoot, 'libs', lib, 'src'));
  for (const f of files) {
    const target = join(outDir, relative(repoRoot, f)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, transformFileSync(f, options).code);
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'bench', 'analysis-e2e.bench.js');
}

interface Measured {
  fetchS: number;
  engineS: number;
  cpuS: number;
  cpuReadS: number;
  windowLines: number;
  baselineLines: number;
  reasons: string[];
  logsScanned: number;
  origin: string;
  category: string;
  maxRssMb: number;
  maxRssReadMb: number;
  rssBeforeMb: number;
  compiled: boolean;
}

function measure(args: string[]): Measured {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`measurement process failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  const dir = mkdtempSync(join(tmpdir(), 'ss-bench-logs-'));
  const keep = process.env.BENCH_KEEP_DIR === '1';
  try {
    const s = generateScenario('upstream_timeout_chain', 7, { backgroundLines: N, baselineLines: BASELINE, windowMinutes: 60 });
    mkdirSync(join(dir, PROJECT));
    const file = join(dir, PROJECT, 'services.ndjson');
    await writeNdjson(file, [s.baseline, s.entries]);
    const meta: Meta = { window: s.window, services: s.services, expected: s.expected, windowLines: s.entries.length, mb: statSync(file).size / 1e6 };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
    (s as { entries: unknown }).entries = [];
    (s as { baseline: unknown }).baseline = [];

    const jsDir = join(dir, 'compiled');
    const compiledBench = await compile(jsDir);
    const load = loadavg()[0];
    const runTs = join(__dirname, '..', 'scripts', 'run-ts.cjs');
    const m = measure([compiledBench, '--child', dir]);
    const viaRunTs = measure([runTs, __filename, '--child', dir]);
    const total = m.fetchS + m.engineS;
    out(
      `analysis end to end, file source: window ${meta.windowLines.toLocaleString('en')} lines + baseline ${m.baselineLines.toLocaleString('en')} lines (${meta.mb.toFixed(0)} MB NDJSON, one pass)`,
    );
    out(`  measured process: compiled JavaScript on plain node (as \`npm start\` / the Docker image run dist/)`);
    out(`  read + parse + mine (file connector pages → streaming engine): ${m.fetchS.toFixed(2)} s wall, ${m.cpuReadS.toFixed(2)} s CPU`);
    out(`  engine finish (ranking, result): ${m.engineS.toFixed(2)} s wall, ${(m.cpuS - m.cpuReadS).toFixed(2)} s CPU`);
    out(
      `  total: ${total.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU = ${Math.round(meta.windowLines / total).toLocaleString('en')} window lines/s (target ≤ 2 s)`,
    );
    out(
      `  peak RSS of the analysis process: ${Math.round(m.maxRssMb)} MB (target ≤ 400 MB); RSS before reading ${Math.round(m.rssBeforeMb)} MB (node, the framework modules the analysis imports)`,
    );
    out(
      `  the same child through the on-the-fly TypeScript compiler (scripts/run-ts.cjs): peak RSS ${Math.round(viaRunTs.maxRssMb)} MB, ${Math.round(viaRunTs.rssBeforeMb)} MB before reading; ` +
        `${(viaRunTs.fetchS + viaRunTs.engineS).toFixed(2)} s wall`,
    );
    out(`  logsScanned ${m.logsScanned.toLocaleString('en')}, partial reasons: ${m.reasons.length ? m.reasons.join(' | ') : 'none'}`);
    out(`  diagnosis: origin ${m.origin} (expected ${meta.expected.origin}), category ${m.category} (expected ${meta.expected.category})`);
    out(`  machine: ${cpus().length} cores, load average ${load.toFixed(1)} when the measurement started (shared machine: timings are noisy)`);
  } finally {
    if (keep) out(`  (files kept in ${dir})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
