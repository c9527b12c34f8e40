/* End-to-end analysis time for a 1,000,000-line window from a `file` log source: the registry's file connector reads
 * NDJSON under a temp LOG_FILES_DIR (window + same-length baseline, as the pipeline does), then the engine runs.
 * File generation is not timed. BENCH_LINES overrides the window size. Never fails on a timing. */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectLogs } from '../libs/analysis/src/log-collector';
import { analyze } from '../libs/analysis/src/engine/analyze';
import { generateScenario } from '../libs/analysis/src/engine/scenarios/incident-generator';
import { createLogSourceRegistry } from '../libs/log-sources/src/log-source-registry.factory';

const out = (s: string) => process.stdout.write(`${s}\n`);
const N = Number(process.env.BENCH_LINES ?? 1_000_000);
const BASELINE = Math.round(N / 4);

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

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ss-bench-logs-'));
  try {
    const s = generateScenario('upstream_timeout_chain', 7, { backgroundLines: N, baselineLines: BASELINE, windowMinutes: 60 });
    const file = join(dir, 'services.ndjson');
    await writeNdjson(file, [s.baseline, s.entries]);
    const windowLines = s.entries.length;
    const mb = statSync(file).size / 1e6;
    const expected = s.expected;
    const meta = { window: s.window, services: s.services };
    // Let the generated arrays go before timing.
    (s as { entries: unknown }).entries = [];
    (s as { baseline: unknown }).baseline = [];

    const registry = createLogSourceRegistry({
      logFilesDir: dir,
      logSourceBlockedCidrs: [],
      logSourceBlockedHosts: [],
      logSourceTimeoutMs: 600_000,
      analysisMaxLines: 2_000_000,
    });
    const connector = registry.get('file')!;
    const t0 = process.hrtime.bigint();
    const logs = await collectLogs({
      sources: [{ id: 'bench', name: 'bench-files', type: 'file', connector, config: { type: 'file', credentials: {}, sources: ['*.ndjson'] } }],
      start: new Date(meta.window.start),
      end: new Date(meta.window.end),
      timeoutMs: 600_000,
      maxLines: 2_000_000,
    });
    const t1 = process.hrtime.bigint();
    const result = analyze({ entries: logs.entries, baseline: logs.baseline, window: meta.window, description: 'bench', services: meta.services });
    const t2 = process.hrtime.bigint();

    const fetchS = Number(t1 - t0) / 1e9;
    const engineS = Number(t2 - t1) / 1e9;
    const total = fetchS + engineS;
    out(
      `analysis end to end, file source: window ${windowLines.toLocaleString('en')} lines + baseline ${logs.baseline.length.toLocaleString('en')} lines (${mb.toFixed(0)} MB NDJSON)`,
    );
    out(`  read + parse (file connector, window and baseline in parallel): ${fetchS.toFixed(2)} s`);
    out(`  engine (analyze): ${engineS.toFixed(2)} s`);
    out(
      `  total: ${total.toFixed(2)} s = ${Math.round(windowLines / total).toLocaleString('en')} window lines/s (${Math.round((windowLines + logs.baseline.length) / total).toLocaleString('en')} lines/s read)`,
    );
    out(`  logsScanned ${result.logsScanned.toLocaleString('en')}, partial reasons: ${logs.reasons.length ? logs.reasons.join(' | ') : 'none'}`);
    out(`  diagnosis: origin ${result.rootCause.service} (expected ${expected.origin}), category ${result.rootCause.category} (expected ${expected.category})`);
    out(`  peak RSS ≈ ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
