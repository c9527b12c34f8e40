import type { LogEvidence, LogLevel } from '@app/contracts';

const LEVELS: readonly LogLevel[] = ['error', 'warn', 'info'];

/** At most this many evidence lines per analysis (architecture: ≤ 5 per signature, ≤ 50 per analysis). */
export const MAX_LOG_EVIDENCE = 50;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * The stored result's `logEvidence` in the SDK's shape, most relevant first. The engine writes it (masked, capped);
 * this only reads it defensively: results stored before it existed have none, and anything malformed is left out.
 */
export function logEvidenceOf(result: unknown): LogEvidence[] {
  const raw = result && typeof result === 'object' ? (result as { logEvidence?: unknown }).logEvidence : undefined;
  if (!Array.isArray(raw)) return [];
  const out: LogEvidence[] = [];
  for (const e of raw) {
    if (!e || typeof e !== 'object') continue;
    const x = e as Record<string, unknown>;
    if (typeof x.message !== 'string' && typeof x.raw !== 'string') continue;
    const score = Number(x.relevanceScore);
    out.push({
      timestamp: str(x.timestamp),
      service: str(x.service),
      level: LEVELS.includes(x.level as LogLevel) ? (x.level as LogLevel) : 'info',
      message: str(x.message),
      raw: str(x.raw ?? x.message),
      relevanceScore: Number.isFinite(score) ? score : 0,
    });
  }
  return out.sort((a, b) => b.relevanceScore - a.relevanceScore).slice(0, MAX_LOG_EVIDENCE);
}
