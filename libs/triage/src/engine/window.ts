/**
 * Time window (contract §8): a stated clock time → start = that time − 5 min; a duration
 * ("for the last 2 hours", "30 minutes ago") → start = createdAt − duration − 5 min; otherwise
 * start = createdAt − buffer. End = createdAt. Never in the future of createdAt. Phrases that are
 * not about when the problem began ("this week", "after 10 days", "works now", "every day at 6am")
 * do not move the window.
 */
import * as chrono from 'chrono-node';
import type { TriageEvidence } from '@app/contracts';
import { offsetMinutes, wallTime, wallTimeToUtc } from './time-zone';

const MIN = 60_000;
const MARGIN = 5 * MIN;

export interface WindowDecision {
  start: number;
  end: number;
  evidence: TriageEvidence[];
  source: 'clock' | 'duration' | 'buffer';
}

const UNIT_MS: Record<string, number> = { s: 1000, m: MIN, h: 60 * MIN, d: 24 * 60 * MIN, w: 7 * 24 * 60 * MIN };
const UNIT = String.raw`(sec(?:ond)?s?|min(?:ute)?s?|mins?|m|h(?:ou)?rs?|hours?|h|days?|weeks?)`;
const WORD_NUM: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  fifty: 50,
  sixty: 60,
  'half an': 0.5,
  'a half': 0.5,
  couple: 2,
  'a couple of': 2,
  'a couple': 2,
  'couple of': 2,
  'a few': 3,
  few: 3,
  several: 3,
};
const NUM = String.raw`(\d+(?:[.,]\d+)?|half an|a couple of|a couple|couple of|a few|few|several|an|a|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty-five|forty|fifty|sixty)`;
const APPROX = String.raw`(?:(?:about|around|roughly|approx(?:imately)?|almost|nearly|like|over|more than|at least|~|a good|the)\s*)*`;

function unitMs(u: string): number {
  const x = u.toLowerCase();
  if (x.startsWith('s')) return UNIT_MS.s;
  if (x.startsWith('mi') || x === 'm') return UNIT_MS.m;
  if (x.startsWith('h')) return UNIT_MS.h;
  if (x.startsWith('d')) return UNIT_MS.d;
  return UNIT_MS.w;
}

function numValue(n: string | undefined): number {
  if (!n) return 1;
  const k = n.toLowerCase().trim();
  if (WORD_NUM[k] !== undefined) return WORD_NUM[k];
  return Number(k.replace(',', '.'));
}

const DURATION_PATTERNS: { re: RegExp; code: string }[] = [
  // "for the last 2 hours", "in the past hour", "over the last 30 min", "the last couple of hours"
  {
    re: new RegExp(String.raw`\b(?:(?:for|in|over|during|within)\s+(?:the\s+)?|the\s+)(?:last|past)\s+${APPROX}${NUM}?\s*${UNIT}\b`, 'gi'),
    code: 'window.duration.last',
  },
  // "30 minutes ago", "an hour ago", "2h ago"
  { re: new RegExp(String.raw`\b${APPROX}${NUM}\s*${UNIT}\s+ago\b`, 'gi'), code: 'window.duration.ago' },
  // "for 2 hours", "for about 45 mins now", "since 2 hours" (non-native), "down 20 minutes now"
  { re: new RegExp(String.raw`\b(for|since)\s+${APPROX}${NUM}\s*${UNIT}\b`, 'gi'), code: 'window.duration.for' },
];

/** Verbs whose "for N minutes" is not about when the problem began ("loads for 30 seconds"). */
const NOT_ONSET_BEFORE =
  /\b(after|wait(?:ed|ing)?|spins?|spinning|loads?|loading|hangs?|hanging|takes?|took|every|in|within|using|used|customer|member|subscribed|trial|plan|each|per|only|just)\s+$/i;

interface Candidate {
  start: number;
  source: 'clock' | 'duration';
  match: string;
  code: string;
}

function durationCandidates(text: string, created: number): Candidate[] {
  const out: Candidate[] = [];
  for (const { re, code } of DURATION_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      const unit = m[m.length - 1];
      const num = code === 'window.duration.for' ? m[2] : m[1];
      if (code === 'window.duration.for' && NOT_ONSET_BEFORE.test(before)) continue;
      if (code === 'window.duration.for' && unitMs(unit) === UNIT_MS.s) continue;
      // "since 13h" / "since 9h30" is a (French-style) clock time, not a duration.
      if (code === 'window.duration.for' && m[1].toLowerCase() === 'since' && /^h$/i.test(unit)) continue;
      // "for the last time" etc. never reach here (unit required). Skip "next/coming".
      if (/\b(next|coming|upcoming)\s+$/i.test(before)) continue;
      const value = numValue(num);
      if (!Number.isFinite(value) || value <= 0) continue;
      const ms = value * unitMs(unit);
      if (ms > 400 * UNIT_MS.d) continue;
      out.push({ start: created - ms - MARGIN, source: 'duration', match: m[0].trim(), code });
    }
  }
  return out;
}

/** Cheap pre-filter: only run chrono where a clock time may be written. */
const CLOCK_HINT =
  /\d\s*(?:am|pm|a\.m\.|p\.m\.)\b|\b\d{1,2}[:h.]\d{2}\b|\b\d{1,2}h\b|\bnoon\b|\bmidnight\b|\b(?:at|since|from|around|about|by|after|before)\s+\d{1,2}\b/i;
const CLOCK_TEXT = /\d\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[:.]\d{2}|noon|midnight|\b(?:at|since|from|around|about)\s+\d{1,2}\b/i;
/** Contexts where a clock time is not when the problem began. */
const NOT_ONSET_CLOCK_BEFORE =
  /\b(?:every|each|daily|until|till|til|by|before|tomorrow|next|meeting|call|demo|appointment|schedule[sd]?|run|runs|sent|send|scheduled|reopen|open(?:s)?|close[sd]?)\b[^.!?]{0,25}$/i;
const NOT_ONSET_CLOCK_AFTER = /^\s*(?:every|each|daily|tomorrow|next)\b/i;

/** "13h", "08h30" (French style) → clock time; chrono does not read these. */
const H_CLOCK = /\b(?:since|from|at|around|about|depuis)?\s*([01]?\d|2[0-3])h([0-5]\d)?\b/gi;

function clockCandidates(text: string, created: number, tz: string): Candidate[] {
  if (!CLOCK_HINT.test(text)) return [];
  const out: Candidate[] = [];
  const createdWall = wallTime(tz, created);
  const ref = { instant: new Date(created), timezone: offsetMinutes(tz, created) };
  let results: chrono.ParsedResult[] = [];
  try {
    results = chrono.parse(text, ref);
  } catch {
    results = [];
  }
  for (const r of results) {
    const s = r.start;
    if (!s.isCertain('hour')) continue;
    const tags = s.tags();
    if (tags.has('result/relativeDate') || tags.has('casualReference/now')) continue;
    if (!CLOCK_TEXT.test(r.text) && !/\b(?:at|since|from|around)\b/i.test(text.slice(Math.max(0, r.index - 8), r.index))) continue;
    const before = text.slice(Math.max(0, r.index - 40), r.index);
    const after = text.slice(r.index + r.text.length, r.index + r.text.length + 16);
    if (NOT_ONSET_CLOCK_BEFORE.test(before) || NOT_ONSET_CLOCK_AFTER.test(after)) continue;
    // Avoid numbers that are not times: "order 1234 at 10" is fine, "v2.30" or "10.5%" are not.
    if (/^\d+\.\d+$/.test(r.text.trim()) && !/\b(?:at|since|from|around)\s*$/i.test(before)) continue;
    const dayCertain = s.isCertain('day') || s.isCertain('weekday');
    const start = toInstant(tz, s.get('year'), s.get('month'), s.get('day'), s.get('hour'), s.get('minute'), createdWall, dayCertain, created);
    if (start === null) continue;
    out.push({ start: start - MARGIN, source: 'clock', match: r.text.trim(), code: 'window.clock' });
  }
  H_CLOCK.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = H_CLOCK.exec(text))) {
    if (!/\b(?:since|from|at|around|about|depuis)\s*$/i.test(text.slice(Math.max(0, m.index - 1), m.index + m[0].indexOf(m[1])))) {
      if (!/\b(?:since|from|at|around|about|depuis)\b/i.test(m[0])) continue;
    }
    const hour = Number(m[1]);
    const minute = m[2] ? Number(m[2]) : 0;
    const start = toInstant(tz, createdWall.year, createdWall.month, createdWall.day, hour, minute, createdWall, false, created);
    if (start === null) continue;
    out.push({ start: start - MARGIN, source: 'clock', match: m[0].trim(), code: 'window.clock' });
  }
  return out;
}

function toInstant(
  tz: string,
  year: number | null,
  month: number | null,
  day: number | null,
  hour: number | null,
  minute: number | null,
  createdWall: ReturnType<typeof wallTime>,
  dayCertain: boolean,
  created: number,
): number | null {
  if (hour === null) return null;
  let t = wallTimeToUtc(tz, {
    year: year ?? createdWall.year,
    month: month ?? createdWall.month,
    day: day ?? createdWall.day,
    hour,
    minute: minute ?? 0,
  });
  if (t > created) {
    // "since 11pm" written at 00:30 means yesterday 23:00; a stated future date is not an onset.
    if (dayCertain) return null;
    t -= UNIT_MS.d;
    if (t > created) return null;
  }
  return t;
}

export function computeWindow(text: string, createdMs: number, tz: string, bufferHours: number): WindowDecision {
  const candidates = [...clockCandidates(text, createdMs, tz), ...durationCandidates(text, createdMs)];
  const evidence: TriageEvidence[] = [];
  if (candidates.length === 0) {
    evidence.push({
      kind: 'window',
      signal: 'window.buffer',
      match: '',
      detail: `no time phrase about the start; window = createdAt − ${bufferHours} h`,
      weight: bufferHours,
    });
    return { start: createdMs - bufferHours * 60 * MIN, end: createdMs, evidence, source: 'buffer' };
  }
  // The earliest stated onset wins ("since 9am … still failing at 10:15").
  candidates.sort((a, b) => a.start - b.start);
  const best = candidates[0];
  const start = Math.min(best.start, createdMs);
  evidence.push({
    kind: 'window',
    signal: best.code,
    match: best.match,
    detail: best.source === 'clock' ? 'stated clock time − 5 min' : 'createdAt − stated duration − 5 min',
  });
  return { start, end: createdMs, evidence, source: best.source };
}
