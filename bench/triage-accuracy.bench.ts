/*
 * Triage engine: accuracy per data set and per language (severity exact with a 95 % Wilson
 * interval, within one level, service, window, confusion matrix, reliability table), the
 * help-desk always-"medium" baseline, the corrections-replay effect and throughput with a big
 * catalogue and 1,000 corrections. Prints figures; never fails on a timing.
 *
 *   npm run bench -- triage                 (this bench alone)
 *   npm run bench -- triage --misses        (also list the misses of the sets that may be tuned on)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity, TriageCorrection, TriageInput } from '@app/contracts';
import { SEVERITIES } from '@app/contracts';
import { evaluate, prepareCorrections, triage, wilson, type EvaluationCase, type EvaluationReport } from '@app/triage/engine';
import { loadHelpdesk, loadRepoCatalogue, loadRepoSet, loadSelfWritten, loadShared, sharedAvailable, type SharedCase } from '../libs/triage/training/datasets';
import { generateConversations, mulberry32 } from '../libs/triage/training/generate';

const showMisses = process.argv.includes('--misses');
const out = (s = '') => process.stdout.write(`${s}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}`;

function line(name: string, r: EvaluationReport) {
  const [lo, hi] = wilson(r.severityExactCount, r.total);
  out(
    `${name.padEnd(26)} n=${String(r.total).padStart(3)}  exact ${pct(r.severityExact).padStart(5)} % [${pct(lo)}–${pct(hi)}]  within one ${pct(r.severityWithinOne).padStart(5)} %  service ${r.serviceTotal ? `${pct(r.service).padStart(5)} % (${r.serviceTotal})` : '    –'}  window ${r.windowTotal ? `${pct(r.window).padStart(5)} % (${r.windowTotal})` : '    –'}`,
  );
}

function confusion(r: EvaluationReport) {
  out(`   confusion (rows expected, columns triaged): ${SEVERITIES.map((s) => s.slice(0, 4).padStart(5)).join('')}`);
  for (const e of SEVERITIES) out(`   ${e.padStart(42)} ${SEVERITIES.map((a) => String(r.confusion[e][a]).padStart(5)).join('')}`);
}

function reliability(r: EvaluationReport) {
  out('   reliability (confidence bucket → n, observed exact accuracy, mean confidence):');
  out(
    `   ${r.reliability.map((b) => `[${b.from.toFixed(1)}–${b.to.toFixed(1)}) n=${b.n} acc=${pct(b.accuracy)}% conf=${pct(b.meanConfidence)}%`).join('\n   ')}`,
  );
}

function byLang<T extends EvaluationCase>(cases: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const c of cases) m.set(c.lang ?? '?', [...(m.get(c.lang ?? '?') ?? []), c]);
  return new Map([...m.entries()].sort((a, b) => (a[0] === 'en' ? -1 : b[0] === 'en' ? 1 : a[0] < b[0] ? -1 : 1)));
}

function report(
  title: string,
  cases: EvaluationCase[],
  context: TriageInput['context'],
  opts: { perLanguage?: boolean; details?: boolean; misses?: boolean } = {},
) {
  const r = evaluate(cases, (i) => triage(i), context);
  out(`\n## ${title}`);
  line('all', r);
  if (opts.perLanguage) {
    const langs = byLang(cases);
    for (const [lang, list] of langs)
      line(
        `  ${lang}`,
        evaluate(list, (i) => triage(i), context),
      );
    const other = cases.filter((c) => c.lang !== 'en');
    if (other.length && other.length !== cases.length)
      line(
        '  other languages together',
        evaluate(other, (i) => triage(i), context),
      );
  }
  if (opts.details !== false) {
    confusion(r);
    reliability(r);
  }
  if (opts.misses) for (const m of r.misses) out(`   miss ${m.id} ${m.field}: expected ${m.expected} got ${m.actual}`);
  return r;
}

// ---- the repository's own labelled set
const cat = loadRepoCatalogue();
const repoContext: TriageInput['context'] = { services: cat.services, llmContext: cat.llmContext, servicesSeenInLogs: cat.servicesSeenInLogs };
report('repo set, dev part (libs/triage/data, trained on)', loadRepoSet('dev'), repoContext, { details: false, misses: showMisses });
report('repo set, holdout part (libs/triage/data, never trained on)', loadRepoSet('holdout'), repoContext, { details: false });
report('self-written Italian set (libs/triage/data/conversations.it.json, never trained on)', loadSelfWritten(), undefined, { details: false });

// ---- the shared development set, split by a fixed hash of the id
let shared: SharedCase[] = [];
if (sharedAvailable()) {
  shared = loadShared();
  const untuned = shared.filter((c) => c.split === 'untuned');
  const tune = shared.filter((c) => c.split === 'tune');
  report(`../shared triage-conversations — UNTUNED split (odd FNV-1a of id; never trained or tuned on)`, untuned, undefined, { perLanguage: true });
  report(`../shared triage-conversations — tuning split (even FNV-1a of id; in the training data)`, tune, undefined, {
    perLanguage: true,
    details: false,
    misses: showMisses,
  });
  report('../shared triage-conversations — all 480', shared, undefined, { perLanguage: true, details: false });

  const tickets = loadHelpdesk();
  const r = report('../shared helpdesk-tickets (real, evaluation only)', tickets, undefined, { details: true });
  const core = tickets.filter((t) => t.core);
  const rc = evaluate(core, (i) => triage(i), undefined);
  line('balanced_core', rc);
  const medium = (list: EvaluationCase[]) =>
    list.filter((t) => (Array.isArray(t.expected.severity) ? t.expected.severity : [t.expected.severity]).includes('medium')).length / Math.max(1, list.length);
  out(
    `   always-"medium" baseline: exact ${pct(medium(tickets))} % (all), ${pct(medium(core))} % (balanced_core); triage is ${((r.severityExact - medium(tickets)) * 100).toFixed(1)} points above on all`,
  );
} else out('\n(../shared/datasets not found: shared sets skipped)');

// ---- corrections replay: per business, agents review a seeded 30 % and correct what triage got wrong
//      (before → after, as the product records it); accuracy on the other 70 % before and after.
if (shared.length) {
  out('\n## corrections replay (per business: a seeded 30 % reviewed, wrong triages corrected to the labels; accuracy on the other 70 %)');
  const rand = mulberry32(12);
  const totals = { n: 0, bExact: 0, aExact: 0, ns: 0, bSvc: 0, aSvc: 0, nu: 0, buExact: 0, auExact: 0 };
  for (const business of [...new Set(shared.map((c) => c.catalogue))].sort()) {
    const cases = shared.filter((c) => c.catalogue === business);
    const reviewed = new Set(cases.filter(() => rand() < 0.3).map((c) => c.id));
    const corrections: TriageCorrection[] = [];
    cases
      .filter((c) => reviewed.has(c.id))
      .forEach((c, i) => {
        const t = triage({ ...c, timeBufferHours: 2 });
        const sev = Array.isArray(c.expected.severity) ? c.expected.severity : [c.expected.severity];
        const svc = Array.isArray(c.expected.service) ? c.expected.service : [c.expected.service ?? null];
        const sevWrong = !sev.includes(t.severity);
        const svcWrong = c.expected.service !== undefined && !svc.includes(t.affectedService as string);
        if (!sevWrong && !svcWrong) return;
        corrections.push({
          id: `corr-${c.id}`,
          conversationId: c.id,
          text: c.text,
          subject: c.subject ?? null,
          ...(sevWrong ? { severity: first(c.expected.severity) } : {}),
          ...(svcWrong ? { affectedService: svc[0] ?? null } : {}),
          before: { severity: t.severity, affectedService: t.affectedService },
          createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
        });
      });
    const prepared = prepareCorrections({ corrections });
    const rest = cases.filter((c) => !reviewed.has(c.id));
    const before = evaluate(rest, (i) => triage(i), undefined);
    const after = evaluate(rest, (i) => triage(i, { corrections: prepared }), undefined);
    const untunedRest = rest.filter((c) => c.split === 'untuned');
    const ub = evaluate(untunedRest, (i) => triage(i), undefined);
    const ua = evaluate(untunedRest, (i) => triage(i, { corrections: prepared }), undefined);
    out(
      `${business.padEnd(10)} reviewed ${reviewed.size}, corrections ${String(corrections.length).padStart(2)}, scored ${rest.length}: severity exact ${pct(before.severityExact)} → ${pct(after.severityExact)} %, service ${pct(before.service)} → ${pct(after.service)} % (untuned part: ${pct(ub.severityExact)} → ${pct(ua.severityExact)} %), learned words: ${prepared.learned.map((l) => `${l.word}→${l.service}`).join(', ') || '–'}`,
    );
    totals.n += rest.length;
    totals.bExact += before.severityExactCount;
    totals.aExact += after.severityExactCount;
    totals.ns += before.serviceTotal;
    totals.bSvc += before.service * before.serviceTotal;
    totals.aSvc += after.service * after.serviceTotal;
    totals.nu += untunedRest.length;
    totals.buExact += ub.severityExactCount;
    totals.auExact += ua.severityExactCount;
  }
  out(
    `all        severity exact ${pct(totals.bExact / totals.n)} → ${pct(totals.aExact / totals.n)} %, service ${pct(totals.bSvc / totals.ns)} → ${pct(totals.aSvc / totals.ns)} % (n=${totals.n}; untuned part n=${totals.nu}: ${pct(totals.buExact / totals.nu)} → ${pct(totals.auExact / totals.nu)} %)`,
  );
}

// ---- throughput: 200 services × 100 aliases, 1,000 corrections
{
  const rand = mulberry32(7);
  const syll = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'da', 'pe', 'xo', 'zu', 'bri', 'tal', 'gon', 'fer', 'lum', 'sta'];
  const word = () => Array.from({ length: 3 + Math.floor(rand() * 2) }, () => syll[Math.floor(rand() * syll.length)]).join('');
  const services = Array.from({ length: 200 }, (_, i) => ({
    name: `svc-${word()}-${i}`,
    critical: i % 10 === 0,
    aliases: Array.from({ length: 100 }, (_, j) => (j % 3 === 0 ? `${word()} ${word()}` : word())),
  }));
  const gen = generateConversations(99, 150);
  const corrections: TriageCorrection[] = gen.slice(0, 1000).map((g, i) => ({
    id: `c${i}`,
    conversationId: `${1000 + i}`,
    text: g.text,
    severity: g.severity,
    affectedService: services[i % 200].name,
    createdAt: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString(),
  }));
  const t0 = process.hrtime.bigint();
  const prepared = prepareCorrections({ corrections });
  const prepMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const texts: { text: string; subject?: string }[] = shared.length
    ? shared.map((c) => ({ text: c.text, subject: c.subject }))
    : gen.slice(0, 480).map((g) => ({ text: g.text, subject: g.subject }));
  const context: TriageInput['context'] = { services, llmContext: null };
  const run = (opts: Parameters<typeof triage>[1]) => {
    for (const t of texts) triage({ ...t, createdAt: '2026-10-10T10:00:00Z', timezone: 'Europe/Paris', timeBufferHours: 2, context }, opts);
  };
  const t1 = process.hrtime.bigint();
  run({ corrections: prepared }); // warm-up (builds the catalogue index once)
  const warmMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const rounds = 3;
  const t2 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < rounds; k++) run({ corrections: prepared });
  const secs = Number(process.hrtime.bigint() - t2) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const small = { services: cat.services, llmContext: cat.llmContext };
  const t3 = process.hrtime.bigint();
  for (let k = 0; k < rounds; k++)
    for (const t of texts) triage({ ...t, createdAt: '2026-10-10T10:00:00Z', timezone: 'UTC', timeBufferHours: 2, context: small });
  const secsSmall = Number(process.hrtime.bigint() - t3) / 1e9;
  out('\n## throughput (one core; noisy on a shared machine)');
  out(
    `big catalogue (200 services × 100 aliases) + 1,000 corrections: ${Math.round((rounds * texts.length) / secs)} conversations/s wall, ${Math.round((rounds * texts.length) / cpuSecs)} per CPU-second (${rounds * texts.length} runs in ${secs.toFixed(2)} s; first pass incl. catalogue index ${warmMs.toFixed(0)} ms; corrections prepared in ${prepMs.toFixed(0)} ms)`,
  );
  out(`small catalogue (12 services), no corrections:                  ${Math.round((rounds * texts.length) / secsSmall)} conversations/s wall`);
  const size = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((a: number, f) => a + size(join(p, f)), 0) : statSync(p).size);
  const root = join(__dirname, '..');
  out(
    `model module ${(size(join(root, 'libs/triage/src/engine/model/weights.generated.ts')) / 1024).toFixed(0)} KiB; language packs ${(size(join(root, 'libs/triage/src/engine/languages')) / 1024).toFixed(0)} KiB; libs/triage/data ${(size(join(root, 'libs/triage/data')) / 1024).toFixed(0)} KiB; franc-min + its dependencies installed ${(['franc-min', 'trigram-utils', 'n-gram', 'collapse-white-space'].reduce((a, d) => a + (existsSync(join(root, 'node_modules', d)) ? size(join(root, 'node_modules', d)) : 0), 0) / 1024).toFixed(0)} KiB`,
  );
}

function first(s: Severity | Severity[]): Severity {
  return Array.isArray(s) ? s[0] : s;
}
