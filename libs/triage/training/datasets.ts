/**
 * Loaders for the evaluation sets that live beside the repository (`../shared/datasets`, never
 * copied into it) and for the repository's own labelled set. Used by the bench and, for the
 * tuning split only, by the trainer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition, Severity } from '@app/contracts';
import type { EvaluationCase } from '../src/engine/evaluate';
import { wallTimeToUtc } from '../src/engine/time-zone';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const SHARED = join(REPO_ROOT, '..', 'shared', 'datasets');
export const DATA_DIR = join(__dirname, '..', 'data');

/** FNV-1a 32-bit: the fixed rule that splits the shared set (decided before any tuning). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Even hash → may be tuned on; odd hash → never tuned on (reported separately). */
export function splitOf(id: string): 'tune' | 'untuned' {
  return fnv1a(id) % 2 === 0 ? 'tune' : 'untuned';
}

export interface SharedCase extends EvaluationCase {
  catalogue: string;
  split: 'tune' | 'untuned';
}

interface RawShared {
  id: string;
  catalogue: string;
  lang: string;
  createdAt: string;
  tz: string;
  subject: string | null;
  text: string;
  severity: Severity | Severity[];
  service: string | string[] | null;
  window: string | { minutesAgo: number } | null;
}

export function sharedAvailable(): boolean {
  return existsSync(join(SHARED, 'triage-conversations', 'cases.jsonl'));
}

export function loadCatalogues(): Map<string, { services: ServiceDefinition[]; llmContext: string }> {
  const raw = JSON.parse(readFileSync(join(SHARED, 'triage-conversations', 'catalogues.json'), 'utf8')) as {
    slug: string;
    services: ServiceDefinition[];
    llmContext: string;
  }[];
  return new Map(raw.map((c) => [c.slug, { services: c.services, llmContext: c.llmContext }]));
}

function expectedWindow(w: RawShared['window'], createdAt: string, tz: string): string | null {
  const created = Date.parse(createdAt);
  if (w === null) return null;
  if (w === 'default') return new Date(created - 2 * 3_600_000).toISOString();
  if (typeof w === 'object') return new Date(created - (w.minutesAgo + 5) * 60_000).toISOString();
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(w);
  if (!m) return null;
  const t = wallTimeToUtc(tz, { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5] });
  return new Date(t - 5 * 60_000).toISOString();
}

export function loadShared(): SharedCase[] {
  const cats = loadCatalogues();
  return readFileSync(join(SHARED, 'triage-conversations', 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RawShared)
    .map((c) => {
      const cat = cats.get(c.catalogue)!;
      return {
        id: c.id,
        subject: c.subject ?? undefined,
        text: c.text,
        createdAt: c.createdAt,
        timezone: c.tz,
        lang: c.lang,
        catalogue: c.catalogue,
        split: splitOf(c.id),
        context: { services: cat.services, llmContext: cat.llmContext },
        expected: { severity: c.severity, service: c.service, windowStart: expectedWindow(c.window, c.createdAt, c.tz) },
      };
    });
}

interface RawTicket {
  id: string;
  text: string;
  language: string;
  severity: Severity;
  severity_accept: Severity[];
  created_at: string;
  balanced_core?: boolean;
}

export function loadHelpdesk(): (EvaluationCase & { core: boolean })[] {
  const f = join(SHARED, 'helpdesk-tickets', 'tickets.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RawTicket)
    .map((t) => ({
      id: t.id,
      text: t.text,
      createdAt: t.created_at,
      timezone: 'UTC',
      lang: t.language,
      core: !!t.balanced_core,
      expected: { severity: t.severity_accept?.length ? t.severity_accept : t.severity, windowStart: null },
    }));
}

export function loadRepoSet(name: 'dev' | 'holdout'): EvaluationCase[] {
  return JSON.parse(readFileSync(join(DATA_DIR, `conversations.${name}.json`), 'utf8')) as EvaluationCase[];
}

export function loadRepoCatalogue(): { services: ServiceDefinition[]; llmContext: string; servicesSeenInLogs: string[] } {
  return JSON.parse(readFileSync(join(DATA_DIR, 'catalogue.json'), 'utf8'));
}

interface SelfWritten {
  catalogue: { services: ServiceDefinition[]; llmContext: string };
  cases: {
    id: string;
    createdAt: string;
    tz: string;
    subject: string | null;
    text: string;
    severity: Severity | Severity[];
    service: string | string[] | null;
    window: RawShared['window'];
  }[];
}

/** The self-written Italian set (this repository's own text; never trained on). */
export function loadSelfWritten(): EvaluationCase[] {
  const d = JSON.parse(readFileSync(join(DATA_DIR, 'conversations.it.json'), 'utf8')) as SelfWritten;
  return d.cases.map((c) => ({
    id: c.id,
    subject: c.subject ?? undefined,
    text: c.text,
    createdAt: c.createdAt,
    timezone: c.tz,
    lang: 'it',
    context: { services: d.catalogue.services, llmContext: d.catalogue.llmContext },
    expected: { severity: c.severity, service: c.service, windowStart: expectedWindow(c.window, c.createdAt, c.tz) },
  }));
}
