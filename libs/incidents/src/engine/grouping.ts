/**
 * Which incident a triaged conversation belongs to (issue 14 "Grouping"). Pure: the service hands in the arrival
 * and the project's open incidents, this answers join / open / none with the evidence that decided it.
 *
 * Rules:
 * - `info` (questions, praise, requests) never opens or joins an incident.
 * - A candidate incident saw a conversation within the window (INCIDENT_WINDOW_MINUTES) of this one.
 * - Same affected service → join (the best-scoring such incident). Two services stay two incidents.
 * - Both services unknown → join only with clearly similar text.
 * - One side unknown → join only on strong evidence: very similar text, or the customer's words match the log
 *   signatures of the incident's analysis; and only when one incident stands out.
 * - Otherwise a new incident is opened.
 */
import { SEVERITY_ORDER, type Severity } from '@app/contracts';
import { sharedTerms, similarity } from './terms';

export interface Arrival {
  severity: Severity;
  service: string | null;
  /** Terms of the customer's words (subject + message), see `terms()`. */
  terms: string[];
  /** When the conversation (or the reply that moved it) happened, ms. */
  at: number;
  /** The triage's suggested window, ms. */
  window: { start: number; end: number };
}

export interface OpenIncident {
  id: string;
  ref: string;
  service: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Union of its conversations' windows, ms. */
  window: { start: number; end: number };
  /** Terms of its most recent conversations (a few dozen at most). */
  members: string[][];
  /** Terms of the top log signatures of its latest analysis (empty before one). */
  signatures: string[][];
}

export interface GroupingOptions {
  windowMinutes: number;
  /** Both unknown: at least this similarity. */
  clearSimilarity?: number;
  /** One side unknown: at least this similarity (or a signature match). */
  strongSimilarity?: number;
  /** One side unknown: the best candidate must beat the next by this much. */
  margin?: number;
}

export const GROUPING_DEFAULTS = { clearSimilarity: 0.34, strongSimilarity: 0.42, margin: 0.1 } as const;

export interface Evidence {
  kind: 'service' | 'recency' | 'text' | 'signature' | 'window';
  detail: string;
}

export type Decision =
  | { action: 'none'; reason: string }
  | { action: 'open'; reason: string; evidence: Evidence[] }
  | { action: 'join'; incidentId: string; reason: string; evidence: Evidence[]; score: number };

interface Scored {
  incident: OpenIncident;
  text: number;
  signature: string[];
  overlaps: boolean;
  minutesAgo: number;
  score: number;
}

const MINUTE = 60_000;

/** Similarity to an incident: the best of its recent conversations and of all of them pooled. */
export function textSimilarity(arrival: readonly string[], members: readonly string[][]): number {
  let best = 0;
  const pooled = new Set<string>();
  for (const m of members) {
    best = Math.max(best, similarity(arrival, m));
    for (const t of m) pooled.add(t);
  }
  // Pooled terms only help when the arrival shares several of them (a long pooled set dilutes the cosine).
  const overlap = sharedTerms(arrival, [...pooled]).length;
  const pooledScore = overlap >= 3 ? similarity(arrival, [...pooled]) * 1.6 : 0;
  return Math.min(1, Math.max(best, pooledScore));
}

/** The customer's words that appear in the incident's log signatures (at least two, or one error code). */
export function signatureMatch(arrival: readonly string[], signatures: readonly string[][]): string[] {
  let best: string[] = [];
  for (const s of signatures) {
    const hit = sharedTerms(arrival, s);
    if (hit.length > best.length) best = hit;
  }
  return best.length >= 2 || best.some((t) => /[\d_]/.test(t)) ? best : [];
}

function score(a: Arrival, i: OpenIncident): Scored {
  const text = textSimilarity(a.terms, i.members);
  const signature = signatureMatch(a.terms, i.signatures);
  const overlaps = a.window.start <= i.window.end && a.window.end >= i.window.start;
  const minutesAgo = Math.max(0, (a.at - i.lastSeenAt) / MINUTE);
  return { incident: i, text, signature, overlaps, minutesAgo, score: text + (signature.length ? 0.3 : 0) + (overlaps ? 0.05 : 0) };
}

function evidenceOf(s: Scored, a: Arrival, sameService: boolean): Evidence[] {
  const ev: Evidence[] = [];
  if (sameService) ev.push({ kind: 'service', detail: `same affected service: ${a.service}` });
  ev.push({
    kind: 'recency',
    detail:
      s.minutesAgo < 1
        ? `${s.incident.ref} saw a conversation less than a minute before`
        : `${s.incident.ref} saw a conversation ${Math.round(s.minutesAgo)} min before`,
  });
  ev.push({ kind: 'text', detail: `text similarity ${s.text.toFixed(2)}` });
  if (s.signature.length)
    ev.push({ kind: 'signature', detail: `the customer's words match the incident's log signatures: ${s.signature.slice(0, 5).join(', ')}` });
  if (s.overlaps) ev.push({ kind: 'window', detail: 'the triage window overlaps the incident window' });
  return ev;
}

function join(s: Scored, a: Arrival, why: string, sameService: boolean): Decision {
  const evidence = evidenceOf(s, a, sameService);
  return { action: 'join', incidentId: s.incident.id, reason: [why, ...evidence.map((e) => e.detail)].join('; '), evidence, score: s.score };
}

/** Best first; ties go to the incident that saw a conversation most recently. */
const byScore = (x: Scored, y: Scored) => y.score - x.score || y.incident.lastSeenAt - x.incident.lastSeenAt;

export function decide(a: Arrival, open: readonly OpenIncident[], o: GroupingOptions): Decision {
  if (SEVERITY_ORDER[a.severity] < SEVERITY_ORDER.low) return { action: 'none', reason: 'not a problem report (info): no incident' };
  const clear = o.clearSimilarity ?? GROUPING_DEFAULTS.clearSimilarity;
  const strong = o.strongSimilarity ?? GROUPING_DEFAULTS.strongSimilarity;
  const margin = o.margin ?? GROUPING_DEFAULTS.margin;
  const windowMs = o.windowMinutes * MINUTE;
  // Within the window either way (a conversation created a little before the incident's first one still counts).
  const recent = open.filter((i) => a.at - i.lastSeenAt <= windowMs && i.firstSeenAt - a.at <= windowMs).map((i) => score(a, i));

  if (a.service) {
    const same = recent.filter((s) => s.incident.service === a.service).sort(byScore);
    if (same.length) return join(same[0], a, `within the ${o.windowMinutes} min window`, true);
    const unknown = recent.filter((s) => s.incident.service === null && (s.text >= strong || s.signature.length)).sort(byScore);
    if (unknown.length && (unknown.length === 1 || unknown[0].score - unknown[1].score >= margin))
      return join(unknown[0], a, 'its service was unknown until now; strong evidence it is the same problem', false);
  } else {
    const unknown = recent.filter((s) => s.incident.service === null && (s.text >= clear || s.signature.length)).sort(byScore);
    if (unknown.length) return join(unknown[0], a, 'both services unknown; clearly similar text', false);
    const known = recent.filter((s) => s.text >= strong || s.signature.length).sort(byScore);
    if (known.length && (known.length === 1 || known[0].score - known[1].score >= margin))
      return join(known[0], a, 'service not named; strong evidence it is the same problem', false);
  }
  const reason = a.service
    ? `no open incident of ${a.service} within ${o.windowMinutes} min: new incident`
    : 'service unknown and no open incident with clearly similar text: new incident';
  return { action: 'open', reason, evidence: [] };
}
