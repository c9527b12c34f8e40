/*
 * Incident grouping quality at engine level (issue 14): the real triage engine reads each report, the grouping
 * engine decides join / open / none exactly as the service does (arrivals one at a time, open incidents with their
 * 30 most recent members), in the order a burst arrives. Data: test/fixtures/outage-reports.ts (written for this,
 * not from any evaluation set), 300 conversations over 5 simultaneous outages plus 40 unrelated ones, in 7
 * languages. The `dev` seeds chose the thresholds; the `holdout` seeds (other sentence variants) are only measured.
 * Target: pairwise precision ≥ 0.95, recall ≥ 0.90. The full pipeline (sandbox, queue, analyses, notes) is
 * measured by incident-burst.bench.ts.
 */
import type { ServiceDefinition } from '@app/contracts';
import { decide, terms, type OpenIncident } from '@app/incidents';
import { triage } from '@app/triage';
import { burst, OUTAGE_SERVICES, pairwise, rng, type Split } from '../test/fixtures/outage-reports';
import { SHOP_SERVICES } from '../test/helpers/outage-logs';

const COUNTS = { checkout: 90, auth: 70, search: 40, shipping: 30, notifications: 30 } as const;
const UNRELATED = 40;
const WINDOW_MINUTES = 60;
const MINUTE = 60_000;

interface SimIncident extends OpenIncident {
  members: string[][];
}

function run(seed: number, split: Split) {
  const reports = burst(COUNTS, UNRELATED, seed, split);
  const r = rng(seed * 7919);
  const now = Date.parse('2026-03-10T11:00:00Z');
  const incidents: SimIncident[] = [];
  const predicted: Array<string | null> = [];
  let serviceFound = 0;
  let outageReports = 0;
  const started = process.hrtime.bigint();
  reports.forEach((rep, i) => {
    // Arrivals spread over the last 40 minutes, in burst order.
    const at = now - 40 * MINUTE + Math.floor((i / reports.length) * 40 * MINUTE + r() * MINUTE);
    const t = triage({
      text: rep.body,
      createdAt: new Date(at).toISOString(),
      timezone: 'UTC',
      timeBufferHours: 2,
      context: { services: SHOP_SERVICES as ServiceDefinition[] },
    });
    if (rep.outage) {
      outageReports++;
      if (t.affectedService === rep.outage) serviceFound++;
    }
    const arrival = {
      severity: t.severity,
      service: t.affectedService,
      terms: terms(rep.body),
      at,
      window: { start: Date.parse(t.window.start), end: Date.parse(t.window.end) },
    };
    const open = incidents.filter((x) => at - x.lastSeenAt <= WINDOW_MINUTES * MINUTE && x.firstSeenAt - at <= WINDOW_MINUTES * MINUTE);
    const d = decide(
      arrival,
      open.map((x) => ({ ...x, members: x.members.slice(-30) })),
      { windowMinutes: WINDOW_MINUTES },
    );
    if (d.action === 'none') return void predicted.push(null);
    let inc = d.action === 'join' ? incidents.find((x) => x.id === d.incidentId)! : undefined;
    if (!inc) {
      inc = {
        id: `i${incidents.length + 1}`,
        ref: `INC-${incidents.length + 1}`,
        service: t.affectedService,
        firstSeenAt: at,
        lastSeenAt: at,
        window: arrival.window,
        members: [],
        signatures: [],
      };
      incidents.push(inc);
    }
    inc.members.push(arrival.terms);
    inc.firstSeenAt = Math.min(inc.firstSeenAt, at);
    inc.lastSeenAt = Math.max(inc.lastSeenAt, at);
    inc.window = { start: Math.min(inc.window.start, arrival.window.start), end: Math.max(inc.window.end, arrival.window.end) };
    if (!inc.service && t.affectedService) inc.service = t.affectedService;
    predicted.push(inc.id);
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const truth = reports.map((x) => x.outage);
  const p = pairwise(truth, predicted);
  // Incidents found: predicted incidents whose majority is one true outage, one per outage at most.
  const found = new Set<string>();
  for (const inc of incidents) {
    const members = predicted.map((id, i) => (id === inc.id ? truth[i] : undefined)).filter((x) => x !== undefined);
    const top = OUTAGE_SERVICES.map((s) => [s, members.filter((m) => m === s).length] as const).sort((a, b) => b[1] - a[1])[0];
    if (top[1] >= 2) found.add(top[0]);
  }
  const unrelatedGrouped = reports.filter(
    (x, i) => x.outage === null && predicted[i] !== null && predicted.filter((y) => y === predicted[i]).length > 1,
  ).length;
  const infoAsProblem = reports.filter((x, i) => x.outage !== null && predicted[i] === null).length;
  // Where the false pairs come from: two unrelated reports, an unrelated report in an outage, two outages mixed.
  const falsePairs = { unrelated: 0, intoOutage: 0, mixed: 0 };
  for (let i = 0; i < reports.length; i++)
    for (let j = i + 1; j < reports.length; j++) {
      if (predicted[i] === null || predicted[i] !== predicted[j] || (truth[i] !== null && truth[i] === truth[j])) continue;
      if (truth[i] === null && truth[j] === null) falsePairs.unrelated++;
      else if (truth[i] === null || truth[j] === null) falsePairs.intoOutage++;
      else falsePairs.mixed++;
    }
  return {
    ...p,
    falsePairs,
    incidents: incidents.length,
    found: found.size,
    serviceFound: serviceFound / outageReports,
    unrelatedGrouped,
    infoAsProblem,
    ms,
    n: reports.length,
  };
}

function main() {
  process.stdout.write(
    `Incident grouping, engine level: ${Object.values(COUNTS).reduce((a, b) => a + b, 0)} outage reports over 5 outages + ${UNRELATED} unrelated, 7 languages\n`,
  );
  for (const [split, seeds] of [
    ['dev', [1, 2, 3]],
    ['holdout', [101, 102, 103]],
  ] as const) {
    for (const seed of seeds) {
      const x = run(seed, split);
      process.stdout.write(
        `  ${split.padEnd(7)} seed ${String(seed).padStart(3)}: pairwise precision ${x.precision.toFixed(3)} · recall ${x.recall.toFixed(3)} · outages found ${x.found}/5 · incidents opened ${x.incidents} · service found ${(x.serviceFound * 100).toFixed(1)} % · outage reports left out (info) ${x.infoAsProblem} · unrelated grouped ${x.unrelatedGrouped} · false pairs: unrelated×unrelated ${x.falsePairs.unrelated}, unrelated in an outage ${x.falsePairs.intoOutage}, two outages ${x.falsePairs.mixed} · ${x.ms.toFixed(0)} ms for ${x.n}\n`,
      );
    }
  }
}

main();
