/**
 * One language's resources behind one interface. Adding a language = adding a folder under
 * `languages/` that exports a `LanguagePack` and listing it in `registry.ts`.
 *
 * Every regular expression runs on *folded* text: lower-case, accents removed (é → e, ß → ss),
 * typographic quotes made straight. So a pattern written without accents also matches text
 * typed without them.
 */
import type { Chrono } from 'chrono-node';

/** Cue groups the severity model reads; the same names in every language. */
export const CUE_NAMES = [
  // something is wrong
  'failure',
  'outage',
  'slow',
  'intermittent',
  'dataWrong',
  'blocked',
  // who is affected
  'all',
  'team',
  'many',
  'some',
  'one',
  'partial',
  'othersToo',
  'statusPage',
  // what kind of harm
  'security',
  'phishing',
  'revenue',
  'money',
  'impact',
  // mitigators
  'over',
  'workaround',
  'minor',
  'hearsay',
  // nothing is broken
  'howto',
  'request',
  'billing',
  'praise',
  'docs',
  'falseAlarm',
  'works',
  // tone (read, but the rubric ignores it)
  'urgency',
] as const;
export type CueName = (typeof CUE_NAMES)[number];

/** Service concepts: words customers use for a kind of service, in this language. */
export const CONCEPT_IDS = [
  'auth',
  'payment',
  'checkout',
  'notification',
  'export',
  'report',
  'dashboard',
  'search',
  'billing',
  'delivery',
  'tracking',
  'transfer',
  'card',
  'mobile',
  'api',
  'deploy',
  'database',
  'dns',
  'logs',
  'upload',
  'calendar',
  'messaging',
  'account',
  'sync',
  'payout',
  'promotion',
  'inventory',
  'statement',
  'savings',
  'atm',
  'identity',
] as const;
export type ConceptId = (typeof CONCEPT_IDS)[number];

export interface WindowResources {
  /** chrono-node's parser for this language, where chrono has one. */
  chrono?: Chrono;
  /** Number words → value ("zwei" → 2, "une demi" → 0.5). Keys are folded. */
  numbers: Record<string, number>;
  /** Unit words → unit ("stunden" → h; q = a quarter of an hour). Keys are folded. */
  units: Record<string, 'm' | 'q' | 'h' | 'd' | 'w' | 's'>;
  /**
   * Duration phrases as regular-expression sources with the placeholders `{N}` (a number or
   * number word, optional where the source says `{N}?`) and `{U}` (a unit word):
   * "for the last {N} {U}", "{N} {U} ago", "seit {N} {U}".
   */
  durations: string[];
  /** Words that introduce a clock time as the start ("since", "seit", "depuis", "desde"). */
  clockLead: string;
  /** Words that make a following clock time not the start ("until", "every", "tomorrow"). */
  notOnsetBefore: string;
  /** Noon and midnight words ("midi", "Mittag"). */
  noon: string;
  midnight: string;
  /** "yesterday" and "last night" words: a clock time after them is on the previous day. */
  yesterday: string;
  /** An hour marker after a number: "Uhr", "uur", "h", "heures". */
  hourWord: string;
  /** Markers of afternoon/evening after a bare hour ("3 in the afternoon", "18 Uhr abends"). */
  pm: string;
}

export interface MailResources {
  /** A greeting at the start of the message ("hi team,", "bonjour,"). */
  greeting: RegExp;
  /** A line that starts the sign-off ("kind regards", "mit freundlichen grüßen"). */
  closing: RegExp;
  /** A line that starts a quoted earlier mail ("on … wrote:", "am … schrieb"). */
  quoteHeader: RegExp;
}

export interface LanguagePack {
  /** ISO 639-1. */
  code: string;
  /** ISO 639-3 as the language detector names it. */
  iso3: string;
  name: string;
  /** Common function words (folded). */
  stopwords: readonly string[];
  /** Light stemmer on a folded word. */
  stem(word: string): string;
  /** Closed compounds are common (German, Dutch): service words are looked for inside words. */
  compounds: boolean;
  mail: MailResources;
  /** Cue lexicons (on folded text). A missing cue is simply never seen in this language. */
  cues: Partial<Record<CueName, RegExp>>;
  /** Words right before a cue that negate it ("not", "kein", "pas", "no"). Source, on folded text. */
  negation: RegExp;
  window: WindowResources;
  /** Concept words (folded) → service kinds. */
  concepts: Partial<Record<ConceptId, readonly string[]>>;
  /** Words that say "we", "our team", a company voice (B2B scope). */
  we: RegExp;
}
