/**
 * Masking of variable parts of a log message, before template mining.
 *
 * A message is split on whitespace into tokens; each token is either masked whole (UUIDs, IPs, e-mails,
 * URLs, paths, hex, numbers with units, durations, quoted values) or split on punctuation into pieces,
 * where each piece that looks like a value (contains digits, hex) is masked on its own, so that
 * `uid=1000` becomes `uid=<*>` and `PendingReds:0` becomes `PendingReds:<*>`.
 */
export const WILDCARD = '<*>';

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const EMAIL = /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/;
const URL = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+$/;
const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
/** A Unix path with at least two segments, or a Windows path. */
const PATH = /^(?:[A-Za-z]:\\|\\\\)[^\s]*$|^~?\/(?:[^\s/]+\/)+[^\s/]*$/;
const HEX_PREFIXED = /^0[xX][0-9a-fA-F]+$/;
/** Durations and sizes: 12ms, 1.5s, 30sec, 10KB, 2.3GiB. */
const NUM_UNIT = /^[-+]?\d+(?:[.,]\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|%)$/i;
const QUOTED = /^(["'`]).*\1[,.;:]?$/;
const HAS_DIGIT = /\d/;
const PIECE_SPLIT = /([=:,;()[\]{}<>|"'@#/\\]+)/;
const HEX_WORD = /^[0-9a-fA-F]{8,}$/;
const NUMBER = /^[-+]?\d+(?:[.,]\d+)*$/;

/** True when a word (no punctuation) is a value rather than a keyword. */
function isValuePiece(p: string): boolean {
  if (p === '') return false;
  if (!HAS_DIGIT.test(p)) return false;
  if (NUMBER.test(p)) return true;
  if (HEX_WORD.test(p)) return true;
  // A word with a single trailing digit (ssh2, SOCKS5, log4j) is usually a keyword.
  let digits = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits === 1 && /^[A-Za-z]{2,}\d[A-Za-z]*$/.test(p)) return false;
  return true;
}

/** Masks one whitespace-free token. */
export function maskToken(token: string): string {
  if (token.length === 0) return token;
  if (token === WILDCARD) return token;
  if (QUOTED.test(token) && token.length > 2) return WILDCARD;
  if (EMAIL.test(token) || URL.test(token) || PATH.test(token) || HEX_PREFIXED.test(token) || NUM_UNIT.test(token)) return WILDCARD;
  let t = token;
  if (t.length >= 36) t = t.replace(UUID, WILDCARD);
  if (t.length >= 7) t = t.replace(IPV4, WILDCARD);
  if (!HAS_DIGIT.test(t)) return t;
  const parts = t.split(PIECE_SPLIT);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i % 2 === 1) out += p;
    else out += isValuePiece(p) ? WILDCARD : p;
  }
  return out;
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
/** Dates and times spanning several tokens: "Sun Jul 17 04:35:47 2005", "2024-01-02 10:11:12.123Z", "10:11:12". */
const DATETIME = new RegExp(
  [
    `\\b(?:${DAY},?\\s+)?${MONTH}\\s+\\d{1,2},?\\s+(?:\\d{4}\\s+)?\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s+\\d{4})?\\b`,
    `\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)?`,
  ].join('|'),
  'g',
);

export interface Tokenized {
  /** Masked tokens. */
  tokens: string[];
  /** Whitespace between token i and i+1 (length tokens.length - 1). */
  seps: string[];
}

const WS = /(\s+)/;

/** Splits a message on whitespace and masks each token. */
export function tokenize(message: string): Tokenized {
  let trimmed = message.trim();
  if (trimmed.length > 9 && HAS_DIGIT.test(trimmed)) trimmed = trimmed.replace(DATETIME, WILDCARD);
  if (trimmed === '') return { tokens: [], seps: [] };
  const parts = trimmed.split(WS);
  const tokens: string[] = [];
  const seps: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    tokens.push(maskToken(parts[i]));
    if (i + 1 < parts.length) seps.push(parts[i + 1]);
  }
  return { tokens, seps };
}

/** The masked message as one string (tokens joined with the original whitespace). */
export function maskMessage(message: string): string {
  const { tokens, seps } = tokenize(message);
  return joinTokens(tokens, seps);
}

export function joinTokens(tokens: string[], seps: string[]): string {
  let s = tokens.length ? tokens[0] : '';
  for (let i = 1; i < tokens.length; i++) s += (seps[i - 1] ?? ' ') + tokens[i];
  return s;
}
