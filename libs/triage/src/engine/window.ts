/**
 * Time window (contract §8): a stated clock time → start = that time − 5 min; a duration
 * ("for the last 2 hours", "seit 20 Minuten", "il y a une heure") → start = createdAt − duration
 * − 5 min; otherwise start = createdAt − buffer. End = createdAt. Never in the future of
 * createdAt. Phrases that are not about when the problem began ("this week", "every day at
 * 6am", "works now") do not move the window.
 *
 * Clock times come from chrono-node's parser for the message's language (en, de, fr, es, pt, nl,
 * it) and from a small parser driven by each language pack ("desde as 9h", "depuis midi",
 * "seit 9 Uhr"); durations only from the packs' phrases.
 */
import type { Chrono, ParsedResult } from 'chrono-node';
import type { TriageEvidence } from '@app/contracts';
import { detectLanguage } from './languages/detect';
import type { LanguagePack } from './languages/pack';
import { ENGLISH } from './languages/registry';
import { fold, type Folded } from './text';
import { offsetMinutes, wallTime, wallTimeToUtc } from './time-zone';

const MIN = 60_000;
const MARGIN = 5 * MIN;
const UNIT_MS: Record<string, number> = { s: 1000, m: MIN, q: 15 * MIN, h: 60 * MIN, d: 24 * 60 * MIN, w: 7 * 24 * 60 * MIN };
const AND_A_HALF = /^\s*(?:and a half|et demie?|und (?:eine )?halbe|y media|e meia|en een half|e mezz[oa])\b/;

export interface WindowDecision {
  start: number;
  end: number;
  evidence: TriageEvidence[];
  source: 'clock' | 'duration' | 'buffer';
}

interface Candidate {
  start: number;
  source: 'clock' | 'duration';
  match: string;
  code: string;
}

interface CompiledPack {
  durations: RegExp[];
  clock: RegExp;
  noonClock: RegExp;
  notOnset: RegExp;
  yesterday: RegExp;
  pm: RegExp;
  numbers: Record<string, number>;
  units: Record<string, string>;
  chrono?: Chrono;
}

const compiled = new Map<string, CompiledPack>();

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(p: LanguagePack): CompiledPack {
  let c = compiled.get(p.code);
  if (c) return c;
  const w = p.window;
  const numWords = Object.keys(w.numbers)
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  const unitWords = Object.keys(w.units)
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  const N = String.raw`(?:~\s*)?(?<n>\d+(?:[.,]\d+)?|${numWords})`;
  const U = String.raw`(?<u>${unitWords})`;
  const durations = w.durations.map(
    (src) => new RegExp(String.raw`(?<![\p{L}\p{N}])${src.replace('{N}?', `${N}?`).replace('{N}', N).replace('{U}', U)}(?![\p{L}\d])`, 'gu'),
  );
  const clock = new RegExp(
    String.raw`(?<![\p{L}\p{N}])(?<lead>${w.clockLead})\s+(?:(?:the|la|las|as|les|den|der|de|o|el|ore|le)\s+)?(?<h>[01]?\d|2[0-3])(?:(?:[:.]|h|\s?uhr\s?|\s?uur\s?|u)(?<m>[0-5]\d))?(?:\s*(?<suffix>${w.hourWord}|am|pm|a\.m\.|p\.m\.))?(?![\p{L}\p{N}:])`,
    'gu',
  );
  const noonClock = new RegExp(String.raw`(?<![\p{L}])(?:${w.clockLead})\s+(?:(?:the|la|le|o|el|de)\s+)?(?<w>${w.noon}|${w.midnight})(?![\p{L}])`, 'gu');
  c = {
    durations,
    clock,
    noonClock,
    notOnset: new RegExp(String.raw`(?<![\p{L}])(?:${w.notOnsetBefore})(?![\p{L}])[^.!?\n]{0,25}$`, 'u'),
    yesterday: new RegExp(String.raw`(?<![\p{L}])(?:${w.yesterday})(?![\p{L}])[^.!?\n]{0,30}$`, 'u'),
    pm: new RegExp(String.raw`^\s*(?:${w.pm})(?![\p{L}])`, 'u'),
    numbers: w.numbers,
    units: w.units,
    chrono: w.chrono,
  };
  compiled.set(p.code, c);
  return c;
}

function durationCandidates(f: string, created: number, c: CompiledPack, out: Candidate[], original: (s: number, e: number) => string) {
  for (const re of c.durations) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(f))) {
      const g = m.groups ?? {};
      const unit = c.units[g.u ?? ''];
      if (!unit || unit === 's') continue;
      // "depuis 14h", "desde as 9h", "sinds 8 uur": a clock time, not fourteen hours.
      if (unit === 'h' && g.n && /^\d+$/.test(g.n)) {
        const glued = !/\s$/.test(m[0].slice(0, m[0].length - (g.u ?? '').length));
        const hours = Number(g.n);
        if ((glued && hours >= 4) || (/^(?:uur|u)$/.test(g.u ?? '') && /^(?:al\s+)?sinds/.test(m[0]))) continue;
      }
      const before = f.slice(Math.max(0, m.index - 20), m.index);
      if (/(?:next|coming|upcoming|nachste|prochain|proxim|volgende|prossim)\w*\s+$/.test(before)) continue;
      // Without a number only "the last hour"-style phrases count ("last week" is not an onset).
      if (!g.n && unit !== 'h' && unit !== 'm') continue;
      const value = g.n === undefined ? 1 : /^\d/.test(g.n) ? Number(g.n.replace(',', '.')) : (c.numbers[g.n] ?? NaN);
      if (!Number.isFinite(value) || value <= 0) continue;
      const half = AND_A_HALF.test(f.slice(m.index + m[0].length, m.index + m[0].length + 20)) ? 0.5 : 0;
      const ms = (value + half) * UNIT_MS[unit];
      if (ms > 400 * UNIT_MS.d) continue;
      out.push({ start: created - ms - MARGIN, source: 'duration', match: original(m.index, m.index + m[0].length).trim(), code: 'window.duration' });
    }
  }
}

/** Where a clock time in the text is when the problem began, as an instant (or null). */
function toInstant(
  tz: string,
  date: { year: number; month: number; day: number } | null,
  hour: number,
  minute: number,
  created: number,
  dayCertain: boolean,
  dayBefore: boolean,
): number | null {
  const w = wallTime(tz, created);
  const base = date ?? { year: w.year, month: w.month, day: w.day };
  let t = wallTimeToUtc(tz, { ...base, hour, minute });
  if (dayBefore && !dayCertain) t -= UNIT_MS.d;
  if (t > created) {
    // "since 11pm" written at 00:30 means yesterday 23:00; a stated future date is not an onset.
    if (dayCertain) return null;
    t -= UNIT_MS.d;
    if (t > created) return null;
  }
  return t;
}

/** Cheap pre-filter: chrono runs only where a clock time may be written. */
const CLOCK_HINT =
  /\d{1,2}[:.h]\d{2}|\d\s?(?:am|pm|a\.m\.|p\.m\.|uhr|uur|u\b|h\b|heures?|horas?|ore\b|o'clock)|(?:at|since|from|around|seit|um|ab|gegen|depuis|vers|à|desde|las|às|as|sinds|om|vanaf|rond|dalle|alle|verso)\s+\d{1,2}\b|noon|midday|midi\b|mittag|mediod|meio-dia|meio dia|mezzogiorno|middag|midnight|minuit|mitternacht|medianoche|meia-noite|mezzanotte|middernacht/i;

const CLOCK_HINT_G = new RegExp(CLOCK_HINT.source, 'gi');

function chronoCandidates(text: string, f: string, created: number, tz: string, c: CompiledPack, out: Candidate[]) {
  if (!c.chrono) return;
  // chrono reads only the neighbourhood of clock-like text (it is the costly part of a triage).
  const spans: [number, number][] = [];
  CLOCK_HINT_G.lastIndex = 0;
  let h: RegExpExecArray | null;
  while ((h = CLOCK_HINT_G.exec(text))) {
    const s0 = Math.max(0, h.index - 60);
    const e0 = Math.min(text.length, h.index + h[0].length + 40);
    const last = spans[spans.length - 1];
    if (last && s0 <= last[1]) last[1] = Math.max(last[1], e0);
    else spans.push([s0, e0]);
    if (spans.length > 8) break;
  }
  if (spans.length === 0) return;
  const results: { r: ParsedResult; index: number }[] = [];
  const ref = { instant: new Date(created), timezone: offsetMinutes(tz, created) };
  for (const [s0, e0] of spans) {
    try {
      for (const r of c.chrono.parse(text.slice(s0, e0), ref)) results.push({ r, index: r.index + s0 });
    } catch {
      // chrono failing on odd input is not a reason to fail the triage
    }
  }
  const folded = text.toLowerCase();
  for (const { r, index } of results) {
    const s = r.start;
    const tags = s.tags();
    if (tags.has('result/relativeDate') || tags.has('result/relativeDateAndTime') || tags.has('casualReference/now')) continue;
    const isNoon = tags.has('casualReference/noon') || tags.has('casualReference/midnight');
    if (!s.isCertain('hour') && !isNoon) continue;
    const before = folded.slice(Math.max(0, index - 40), index);
    const after = folded.slice(index + r.text.length, index + r.text.length + 16);
    // A bare number is a time only with a clock shape or a lead word ("at", "seit", "depuis").
    const shaped =
      /\d\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[:.h]\d{2}|\d\s?(?:h|uhr|uur|u)\b|\b(?:at|since|from|around|about|seit|um|ab|gegen|depuis|vers|a|à|desde|las|as|às|sinds|om|vanaf|rond|dalle|alle|verso)\s*$/i;
    if (!isNoon && !shaped.test(r.text) && !shaped.test(before)) continue;
    if (
      isNoon &&
      !/(?:since|from|at|around|seit|ab|um|depuis|des|a partir|desde|as|sinds|vanaf|om|dalle|da|dal)\s*$/i.test(
        before.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
      )
    )
      continue;
    if (/^\d+\.\d+$/.test(r.text.trim()) && !/\b(?:at|since|from|around|seit|um|depuis|desde|sinds|om|dalle|alle)\s*$/i.test(before)) continue;
    if (
      /(?:every|each|daily|until|till|by|before|tomorrow|next|jeden|bis|morgen|chaque|jusqu|demain|cada|hasta|manana|amanha|ate|elke|tot|morgen|ogni|fino|domani)\b[^.!?\n]{0,25}$/i.test(
        before,
      ) ||
      /^\s*(?:every|each|daily|tomorrow|next)\b/i.test(after) ||
      (f.length === text.length && c.notOnset.test(f.slice(Math.max(0, index - 40), index)))
    )
      continue;
    const dayCertain = s.isCertain('day') || s.isCertain('weekday');
    const date = dayCertain ? { year: s.get('year') ?? 0, month: s.get('month') ?? 0, day: s.get('day') ?? 0 } : null;
    const hour = s.get('hour');
    if (hour === null) continue;
    const start = toInstant(tz, date, hour, s.get('minute') ?? 0, created, dayCertain, false);
    if (start === null) continue;
    out.push({ start: start - MARGIN, source: 'clock', match: r.text.trim(), code: 'window.clock' });
  }
}

function packClockCandidates(f: string, created: number, tz: string, c: CompiledPack, out: Candidate[], original: (s: number, e: number) => string) {
  let m: RegExpExecArray | null;
  c.clock.lastIndex = 0;
  while ((m = c.clock.exec(f))) {
    const g = m.groups ?? {};
    const before = f.slice(Math.max(0, m.index - 40), m.index + (g.lead?.length ?? 0));
    if (c.notOnset.test(before)) continue;
    // "at 3" without minutes, hour word or am/pm is too weak ("at 3 stores").
    if (!g.m && !g.suffix) continue;
    let hour = Number(g.h);
    const minute = g.m ? Number(g.m) : 0;
    const suffix = (g.suffix ?? '').replace(/\./g, '');
    if (suffix === 'pm' && hour < 12) hour += 12;
    if (suffix === 'am' && hour === 12) hour = 0;
    const after = f.slice(m.index + m[0].length, m.index + m[0].length + 30);
    if (hour < 12 && c.pm.test(after)) hour += 12;
    const dayBefore = c.yesterday.test(f.slice(Math.max(0, m.index - 40), m.index));
    const start = toInstant(tz, null, hour, minute, created, false, dayBefore);
    if (start === null) continue;
    out.push({ start: start - MARGIN, source: 'clock', match: original(m.index, m.index + m[0].length).trim(), code: 'window.clock' });
  }
  c.noonClock.lastIndex = 0;
  while ((m = c.noonClock.exec(f))) {
    const word = m.groups?.w ?? '';
    const hour = /minuit|midnight|mitternacht|medianoche|meia|mezzanotte|middernacht/.test(word) ? 0 : 12;
    const dayBefore = c.yesterday.test(f.slice(Math.max(0, m.index - 40), m.index));
    const start = toInstant(tz, null, hour, 0, created, false, dayBefore);
    if (start === null) continue;
    out.push({ start: start - MARGIN, source: 'clock', match: original(m.index, m.index + m[0].length).trim(), code: 'window.clock' });
  }
}

/**
 * `packs`: the languages to read the text in (the message's first); omitted → detected here.
 * `folded`: the folded text when the caller has it already.
 */
export function computeWindow(text: string, createdMs: number, tz: string, bufferHours: number, packs?: LanguagePack[], folded?: Folded): WindowDecision {
  const fo = folded ?? fold(text);
  let langs = packs;
  if (!langs) {
    const d = detectLanguage(text, fo.text);
    langs = d.pack && d.pack !== ENGLISH ? [d.pack, ENGLISH] : [ENGLISH];
  }
  const original = (s: number, e: number) => text.slice(fo.map[Math.min(s, fo.map.length - 1)], e >= fo.text.length ? text.length : fo.map[e]);
  const candidates: Candidate[] = [];
  for (const p of langs) {
    const c = compile(p);
    chronoCandidates(text, fo.text, createdMs, tz, c, candidates);
    packClockCandidates(fo.text, createdMs, tz, c, candidates, original);
    durationCandidates(fo.text, createdMs, c, candidates, original);
  }
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
