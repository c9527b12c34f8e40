/**
 * Language of a message: franc (trigram language identification, maintained npm library) ranks
 * the candidates; among supported languages the packs' function words break near-ties (short,
 * lower-cased or jargon-heavy text, where trigrams alone confuse English with Dutch).
 */
import { francAll } from 'franc-min';
import { ISO3_TO_ISO1 } from './iso';
import type { LanguagePack } from './pack';
import { LANGUAGE_PACKS, packForIso3 } from './registry';

export interface DetectedLanguage {
  /** ISO 639-1, or `und`. */
  code: string;
  /** The pack that reads the text, when the language is supported. */
  pack: LanguagePack | null;
  /** Letters in a script none of the packs read (Cyrillic, CJK, Arabic, …) dominate. */
  foreignScript: boolean;
  /** 0–1: how sure the detection is. */
  certainty: number;
  /** A short text's runner-up language when it is nearly as likely (its cues are read too). */
  alternative?: LanguagePack;
}

/** Scripts that name their language outright (franc does the same before its trigrams). */
const SCRIPT_LANGUAGE: [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja'],
  [/\p{Script=Hangul}/u, 'ko'],
  [/\p{Script=Han}/u, 'zh'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Georgian}/u, 'ka'],
  [/\p{Script=Armenian}/u, 'hy'],
];

const SAMPLE = 160;
/** Latin-script languages the trigrams compare (the supported ones and common neighbours); other scripts use all. */
const LATIN_CANDIDATES = [...LANGUAGE_PACKS.map((p) => p.iso3), 'pol', 'tur', 'ron', 'ces', 'hun', 'swe', 'ind'];
const STOPWORDS = LANGUAGE_PACKS.map((p) => ({ pack: p, words: new Set(p.stopwords) }));

function stopwordHits(tokens: string[]): Map<LanguagePack, number> {
  const hits = new Map<LanguagePack, number>();
  for (const { pack, words } of STOPWORDS) {
    let n = 0;
    for (const t of tokens) if (words.has(t)) n++;
    hits.set(pack, n);
  }
  return hits;
}

/** `folded` is the folded text (for function words); `original` keeps accents (for trigrams). */
export function detectLanguage(original: string, folded: string): DetectedLanguage {
  const sample = original.slice(0, SAMPLE);
  const latin = (sample.match(/[\p{Script=Latin}]/gu) ?? []).length;
  const letters = (sample.match(/\p{L}/gu) ?? []).length;
  const foreignLetters = letters - latin;
  const foreignScript = foreignLetters >= 3 && foreignLetters / Math.max(1, letters) >= 0.3;
  const tokens = folded.slice(0, SAMPLE * 2).match(/[\p{L}']+/gu) ?? [];
  const hits = stopwordHits(tokens);
  let ranked: [string, number][] = [];
  if (letters >= 8) {
    try {
      ranked = foreignScript ? [] : francAll(sample, { minLength: 8, only: LATIN_CANDIDATES });
    } catch {
      ranked = [];
    }
  }
  const top = ranked[0];
  const score = new Map(ranked);
  if (foreignScript) {
    for (const [re, code] of SCRIPT_LANGUAGE) if (re.test(sample)) return { code, pack: null, foreignScript: true, certainty: 0.8 };
    // Cyrillic, Arabic, Devanagari…: the trigrams of the non-Latin part decide.
    const foreign = sample.replace(/[\p{Script=Latin}]+/gu, ' ');
    let ranking: [string, number][];
    try {
      ranking = francAll(foreign, { minLength: 3 });
    } catch {
      ranking = [];
    }
    const t = ranking[0];
    const code = t && t[0] !== 'und' ? (ISO3_TO_ISO1[t[0]] ?? 'und') : 'und';
    return { code, pack: null, foreignScript: true, certainty: code === 'und' ? 0 : 0.6 };
  }
  // Supported candidates: trigram score plus function-word evidence.
  let best: LanguagePack | null = null;
  let runnerUp: LanguagePack | null = null;
  let bestValue = -Infinity;
  let second = -Infinity;
  for (const p of LANGUAGE_PACKS) {
    const s = score.get(p.iso3) ?? 0;
    const h = hits.get(p) ?? 0;
    // Trigrams say little about a short text; its function words say more. English, the most
    // common language of support messages, wins exact ties.
    const short = tokens.length < 15;
    const value =
      (short ? 0.5 : 1) * s + (short ? 0.15 : 0.06) * Math.min(h, 8) + (h >= 3 && h >= tokens.length * 0.15 ? 0.1 : 0) + (p === LANGUAGE_PACKS[0] ? 0.05 : 0);
    if (value > bestValue) {
      second = bestValue;
      runnerUp = best;
      bestValue = value;
      best = p;
    } else if (value > second) {
      second = value;
      runnerUp = p;
    }
  }
  const bestHits = best ? (hits.get(best) ?? 0) : 0;
  if (top && top[0] !== 'und' && !packForIso3(top[0]) && !(tokens.length < 15 && bestHits >= 2)) {
    // The trigrams say another language: keep it unless a supported one is nearly as likely.
    const supportedScore = best ? (score.get(best.iso3) ?? 0) : 0;
    if (!(supportedScore >= 0.88 || (supportedScore >= 0.7 && bestHits >= 2))) {
      return { code: ISO3_TO_ISO1[top[0]] ?? 'und', pack: null, foreignScript: false, certainty: 0.5 };
    }
  }
  if (!best || (bestValue <= 0.05 && bestHits === 0)) return { code: 'und', pack: null, foreignScript: false, certainty: 0 };
  if (ranked.length === 0 && bestHits < 2) return { code: 'und', pack: null, foreignScript: false, certainty: 0 };
  const certainty = Math.max(0.2, Math.min(1, bestValue - Math.max(0, second) + 0.5));
  const alternative = tokens.length < 25 && runnerUp && bestValue - second < 0.2 ? runnerUp : undefined;
  return { code: best.code, pack: best, foreignScript: false, certainty: Math.round(certainty * 100) / 100, ...(alternative ? { alternative } : {}) };
}
