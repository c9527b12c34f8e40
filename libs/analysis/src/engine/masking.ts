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
/** A Unix path with at least two segments, or a Windows path. */
const PATH = /^(?:[A-Za-z]:\\|\\\\)[^\s]*$|^~?\/(?:[^\s/]+\/)+[^\s/]*$/;
const HEX_PREFIXED = /^0[xX][0-9a-fA-F]+$/;
/** Durations and sizes: 12ms, 1.5s, 30sec, 10KB, 2.3GiB. */
const NUM_UNIT = /^[-+]?\d+(?:[.,]\d+)?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|%)$/i;
const QUOTED = /^(["'`])(.+)\1([,.;:]?)$/;
/** An IPv4 address with an optional leading slash or `host/` prefix and an optional port: one value. */
const IP_VALUE = /(?<![\w.-])(?:[A-Za-z0-9][\w.-]*\/|\/)?\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?(?![\w-]|\.\w)/g;
/** host:port where the host is dotted or contains a digit (msra-sa-41:9000, db.example.com:5432). */
const HOST_PORT = /^(?:[A-Za-z0-9][\w-]*(?:\.[\w-]+)+|[A-Za-z][\w-]*\d[\w-]*):\d{1,5}$/;
/** key="quoted value, possibly with spaces" — the value is a variable. */
const KEYED_QUOTE = /=(["'])([^"'\n]*?)\1/g;
const HAS_DIGIT = /\d/;
/** HAS_DIGIT.test(s) as a loop over the characters. */
export function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}
/** Whether `t` has at least `n` dashes (a UUID has four). */
function hasDashes(t: string, n: number): boolean {
  for (let i = t.indexOf('-'); i >= 0; i = t.indexOf('-', i + 1)) if (--n === 0) return true;
  return false;
}
/** Punctuation that separates the pieces of a token (dot leaders like `......` included). */
export const PIECE_SPLIT = /((?:[=:,;()[\]{}|"'@#/\\]|<(?!\*>)|(?<!<\*)>|\.{2,})+)/;

/** Per ASCII code: 1 for a separator on its own (PIECE_SPLIT's class), 2 for `<`, `>` and `.` (one may start a separator). */
const SEPARATOR = (() => {
  const t = new Uint8Array(128);
  for (const ch of '=:,;()[]{}|"\'@#/\\') t[ch.charCodeAt(0)] = 1;
  for (const ch of '<>.') t[ch.charCodeAt(0)] = 2;
  return t;
})();

/** The length of the separator that starts at t[i] (PIECE_SPLIT's alternatives), or 0. */
function separatorAt(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c < 128 && SEPARATOR[c] === 1) return 1;
  if (c === 60) return t.charCodeAt(i + 1) === 42 && t.charCodeAt(i + 2) === 62 ? 0 : 1; // `<`, not of `<*>`
  if (c === 62) return i >= 2 && t.charCodeAt(i - 2) === 60 && t.charCodeAt(i - 1) === 42 ? 0 : 1; // `>`, not of `<*>`
  if (c === 46 && t.charCodeAt(i + 1) === 46) {
    let j = i + 2;
    while (t.charCodeAt(j) === 46) j++;
    return j - i;
  }
  return 0;
}

/** `t.split(PIECE_SPLIT)` in one pass without a regex: pieces at even indexes, the separator runs between them at odd ones. */
export function splitPieces(t: string): string[] {
  const out: string[] = [];
  let from = 0;
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    let k = c < 128 && SEPARATOR[c] !== 0 ? separatorAt(t, i) : 0;
    if (k === 0) {
      i++;
      continue;
    }
    let j = i + k;
    while (j < t.length && (k = separatorAt(t, j)) > 0) j += k;
    out.push(t.slice(from, i), t.slice(i, j));
    from = i = j;
  }
  out.push(t.slice(from));
  return out;
}
const HEX_WORD = /^[0-9a-fA-F]{8,}$/;
const NUMBER = /^[-+]?\d+(?:[.,]\d+)*$/;

/** A word with a single embedded digit (ssh2, SOCKS5, log4j, jk2) is usually a keyword. */
const ONE_DIGIT_WORD = /^[A-Za-z]{2,}\d[A-Za-z]*$/;
/** `core.2275`, `eth0.5`: a dotted name ending in a number keeps its name. */
const NAME_DOT_NUMBER = /^([A-Za-z][\w-]*\.)(\d+)$/;

/** `node-129`, `Interconnect-0T00`: a word prefix joined by a dash to a value keeps the word. */
const NAME_DASH_VALUE = /^([A-Za-z]{2,}-)([A-Za-z]*\d[\w-]*)$/;
/** Boolean literals are values (`setLightsOn(true)`, `cancelPeek: false`). */
const BOOLEAN = /^(?:true|false)$/i;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
/** Whether `t` holds `true` or `false` (any case) not inside a longer word: one pass over the characters, no regex. */
function hasBooleanPiece(t: string): boolean {
  const len = t.length;
  for (let i = 0; i + 4 <= len; i++) {
    const c = t.charCodeAt(i) | 32;
    if ((c !== 116 && c !== 102) || (i > 0 && isAsciiLetter(t.charCodeAt(i - 1)))) continue;
    let end = -1;
    if (c === 116) {
      if ((t.charCodeAt(i + 1) | 32) === 114 && (t.charCodeAt(i + 2) | 32) === 117 && (t.charCodeAt(i + 3) | 32) === 101) end = i + 4;
    } else if (
      i + 5 <= len &&
      (t.charCodeAt(i + 1) | 32) === 97 &&
      (t.charCodeAt(i + 2) | 32) === 108 &&
      (t.charCodeAt(i + 3) | 32) === 115 &&
      (t.charCodeAt(i + 4) | 32) === 101
    )
      end = i + 5;
    if (end >= 0 && (end === len || !isAsciiLetter(t.charCodeAt(end)))) return true;
  }
  return false;
}

// Each pattern below is tried only when the piece's first character and length allow it.
function mayBeNumber(c0: number): boolean {
  return (c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45;
}

function subwordIsValue(p: string): boolean {
  if (!hasDigit(p)) return false;
  const c0 = p.charCodeAt(0);
  if ((mayBeNumber(c0) && NUMBER.test(p)) || (p.length >= 8 && HEX_WORD.test(p))) return true;
  return !(isAsciiLetter(c0) && ONE_DIGIT_WORD.test(p));
}

/** True when a word (no punctuation) is a value rather than a keyword. */
function isValuePiece(p: string): boolean {
  if (p === '') return false;
  if (!hasDigit(p)) return false;
  const c0 = p.charCodeAt(0);
  if (mayBeNumber(c0) && NUMBER.test(p)) return true;
  if (p.length >= 8 && HEX_WORD.test(p)) return true;
  if (isAsciiLetter(c0) && ONE_DIGIT_WORD.test(p)) return false;
  // snake_case identifiers: a value only when one of their parts is (blk_123, jk2_init is a keyword).
  if (p.includes('_')) {
    for (const w of p.split('_')) if (subwordIsValue(w)) return true;
    return false;
  }
  return true;
}

/** `name(`: an identifier and an opening parenthesis at the start of a token. */
const CALL_PREFIX = /^[A-Za-z_]\w*\(/;
const OPENERS = '([{"\'<';
const CLOSERS = ')]}"\'>,.;:';

/**
 * Wrapping punctuation around a token's core value: `(`, `[`, `"`, `name(` before; `)`, `:`, `,`, `.` after.
 * Returns [before, core, after]; linear in the token's length.
 */
function unwrap(token: string): [string, string, string] {
  let p = 0;
  const call = token.indexOf('(') > 0 ? CALL_PREFIX.exec(token) : null;
  if (call) p = call[0].length;
  while (p < token.length && OPENERS.includes(token[p])) p++;
  let e = token.length;
  while (e > p && CLOSERS.includes(token[e - 1])) e--;
  return [token.slice(0, p), token.slice(p, e), token.slice(e)];
}

function isWholeValue(core: string): boolean {
  // Each pattern is tried only when the token has the character it needs.
  const c0 = core.charCodeAt(0);
  if (core.includes('@') && EMAIL.test(core)) return true;
  if (core.includes('/') || core.includes('\\')) {
    if (URL.test(core) || PATH.test(core)) return true;
  }
  if (c0 === 48 && HEX_PREFIXED.test(core)) return true;
  if (((c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45) && NUM_UNIT.test(core)) return true;
  if (!core.includes(':')) return false;
  // HOST_PORT ends in a port's digit; IPV6 starts with a hex digit or `:`.
  const last = core.charCodeAt(core.length - 1);
  return (last >= 48 && last <= 57 && HOST_PORT.test(core)) || (isHexDigitOrColon(c0) && isIpv6(core));
}

function isHexDigitOrColon(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** An IPv6 address (hex groups, `::` compression, an IPv4 tail): one value, however many groups it shows. */
const IPV6 = /^(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?$/;
function isIpv6(core: string): boolean {
  if (core.length > 45 || !IPV6.test(core)) return false;
  let colons = 0;
  for (let i = 0; i < core.length; i++) if (core.charCodeAt(i) === 58) colons++;
  return core.includes('::') || colons >= 5;
}

/** What an IPv4 address needs: three dots, one of them between two digits (IP_VALUE is tried only then). */
function mayHoldIpv4(t: string): boolean {
  let k = 0;
  let digitDot = false;
  for (let i = t.indexOf('.'); i >= 0; i = t.indexOf('.', i + 1)) {
    k++;
    if (!digitDot) {
      const a = t.charCodeAt(i - 1);
      const b = t.charCodeAt(i + 1);
      digitDot = a >= 48 && a <= 57 && b >= 48 && b <= 57;
    }
    if (k >= 3 && digitDot) return true;
  }
  return false;
}

/** Masks one whitespace-free token. */
export function maskToken(token: string): string {
  if (token.length === 0) return token;
  if (token === WILDCARD) return token;
  const c0 = token.charCodeAt(0);
  const q = c0 === 34 || c0 === 39 || c0 === 96 ? QUOTED.exec(token) : null;
  if (q) {
    // A quoted value is masked like the bare value (a quoted path or number is a variable, a quoted name is not).
    const inner = maskToken(q[2]);
    return q[1] + (inner.includes(WILDCARD) ? WILDCARD : inner) + q[1] + q[3];
  }
  const w = unwrap(token);
  // A path keeps a trailing '.' (file names end in one), other wrappers stay literal around the value.
  if (w[1] !== '' && (w[0] !== '' || w[2] !== '') && !(w[2] === '.' && PATH.test(w[1])) && isWholeValue(w[1])) return w[0] + WILDCARD + w[2];
  if (isWholeValue(token)) return WILDCARD;
  let t = token;
  if (t.length >= 36 && hasDashes(t, 4)) t = t.replace(UUID, WILDCARD);
  if (t.length >= 7 && mayHoldIpv4(t)) t = t.replace(IP_VALUE, WILDCARD);
  if (!hasDigit(t) && !hasBooleanPiece(t)) return t;
  const parts = splitPieces(t);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i % 2 === 1) out += p;
    else if (isValuePiece(p)) {
      const nd = isAsciiLetter(p.charCodeAt(0)) ? (NAME_DOT_NUMBER.exec(p) ?? NAME_DASH_VALUE.exec(p)) : null;
      out += nd ? nd[1] + WILDCARD : WILDCARD;
    } else if ((p.length === 4 || p.length === 5) && BOOLEAN.test(p)) out += WILDCARD;
    else out += p;
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

/** Only the first MAX_LINE_CHARS characters of a message are mined (a 200 kB line costs what 4 kB does). */
export const MAX_LINE_CHARS = 4096;
/** A token longer than this is one variable (a blob, a long path or URL): the per-token checks stay bounded. */
export const MAX_TOKEN_CHARS = 512;

/** Optional work counter: characters scanned plus characters handed to the per-token checks. */
export interface TokenizerWork {
  chars: number;
}

function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

export const F_DIGIT = 1;
/** `@`, `/`, `\`, `<`: a token that may be an e-mail, URL, path or already hold a wildcard. */
const F_SPECIAL = 2;
/** `t`/`f` (a boolean may be inside) or `-` (a UUID may be inside). */
const F_MAYBE = 4;
export const F_NONDIGIT = 8;
/** Scanner-only classes: whitespace ends a token; `-`, `:` and `=` may start what the line rules rewrite. */
export const C_SPACE = 16;
export const C_DETECT = 32;
/** Neither a letter nor a digit (nor whitespace). */
export const F_PUNCT = 64;

/** The scanner's class of each Latin-1 character (one table look-up per character). */
export const CHAR_CLASS = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    if (isSpace(c)) t[c] = C_SPACE;
    else if (c >= 48 && c <= 57) t[c] = F_DIGIT;
    else {
      let k = F_NONDIGIT;
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) k |= F_PUNCT;
      if (c === 64 || c === 47 || c === 92 || c === 60) k |= F_SPECIAL;
      else if (c === 116 || c === 84 || c === 102 || c === 70) k |= F_MAYBE;
      else if (c === 45 || c === 58) k |= F_MAYBE | C_DETECT;
      else if (c === 61) k |= C_DETECT;
      t[c] = k;
    }
  }
  return t;
})();

/** Masks one token given the flags the scanner collected: cheap answers first, the full rules otherwise. */
export function maskScanned(tok: string, flags: number, work: TokenizerWork | undefined): string {
  if (tok.length > MAX_TOKEN_CHARS) return WILDCARD;
  if ((flags & (F_DIGIT | F_SPECIAL | F_MAYBE)) === 0) return tok;
  if ((flags & (F_DIGIT | F_NONDIGIT)) === F_DIGIT) return WILDCARD;
  if ((flags & (F_DIGIT | F_SPECIAL)) === 0 && !(tok.length >= 36 && tok.includes('-')) && !hasBooleanPiece(tok)) return tok;
  if (work) work.chars += tok.length;
  return maskToken(tok);
}

export function applyLineRules(trimmed: string): string {
  let t = trimmed;
  if (t.length > 9 && HAS_DIGIT.test(t)) t = t.replace(DATETIME, WILDCARD);
  if (t.includes('=')) t = t.replace(KEYED_QUOTE, (m, qc: string, inner: string) => (inner === '' ? m : `=${qc}${WILDCARD}${qc}`));
  return t;
}

/**
 * The last scan's tokens: start, end and flags (reused buffers; a line of MAX_LINE_CHARS characters has at most
 * MAX_LINE_CHARS / 2 + 1 tokens, and the line rules never add tokens).
 */
export const TOKEN_SLOTS = (MAX_LINE_CHARS >> 1) + 1;
const tokStart = new Int32Array(TOKEN_SLOTS);
const tokEnd = new Int32Array(TOKEN_SLOTS);
const tokFlags = new Int32Array(TOKEN_SLOTS);

/**
 * One pass over the characters: splits on whitespace and records each token's bounds, flags and hash in the
 * buffers above; returns the token count (token-ids.ts has the same loop over bytes). With `detect`, gives up (-1) as soon as it sees what the line rules
 * rewrite: `=` before a quote, a time `d:dd` or a date `dddd-dd`.
 */
function scanLine(s: string, work: TokenizerWork | undefined, detect: boolean): number {
  const len = s.length;
  if (work) work.chars += len;
  let n = 0;
  let i = 0;
  while (i < len && isSpace(s.charCodeAt(i))) i++;
  while (i < len) {
    const start = i;
    let flags = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      const k = c < 256 ? CHAR_CLASS[c] : isSpace(c) ? C_SPACE : F_NONDIGIT;
      if (k & C_SPACE) break;
      flags |= k;
      if (k & C_DETECT && detect) {
        if (c === 61) {
          const d = s.charCodeAt(i + 1);
          if (d === 34 || d === 39) return -1;
        } else if (i > start) {
          const a = s.charCodeAt(i - 1);
          const b = s.charCodeAt(i + 1);
          const b2 = s.charCodeAt(i + 2);
          if (a >= 48 && a <= 57 && b >= 48 && b <= 57 && b2 >= 48 && b2 <= 57) return -1;
        }
      }
    }
    if (n === tokStart.length) throw new Error('token buffer overflow');
    tokStart[n] = start;
    tokEnd[n] = i;
    tokFlags[n] = flags;
    n++;
    while (i < len && isSpace(s.charCodeAt(i))) i++;
  }
  return n;
}

/** The text the last scanMessage() scanned (the token bounds index into it). */
let scannedText = '';

/** Scans a message (capped at MAX_LINE_CHARS), rewriting dates and quoted values first when it has any; returns the token count. */
function scanMessage(message: string, work: TokenizerWork | undefined): number {
  const s = message.length > MAX_LINE_CHARS ? message.slice(0, MAX_LINE_CHARS) : message;
  scannedText = s;
  const n = scanLine(s, work, true);
  if (n >= 0) return n;
  // The line has a date/time or a quoted value after `=`: rewrite those first, then split.
  const t = applyLineRules(s.trim());
  if (work) work.chars += t.length;
  scannedText = t;
  return scanLine(t, work, false);
}

/**
 * Splits a message on whitespace and masks each token, in one pass over the characters (linear: the message is
 * capped at MAX_LINE_CHARS, each token's checks are linear or bounded by MAX_TOKEN_CHARS).
 */
export function maskedTokens(message: string, work?: TokenizerWork, seps?: string[]): string[] {
  const n = scanMessage(message, work);
  const text = scannedText;
  const out = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    out[k] = maskScanned(text.slice(tokStart[k], tokEnd[k]), tokFlags[k], work);
    if (seps && k + 1 < n) seps.push(text.slice(tokEnd[k], tokStart[k + 1]));
  }
  return out;
}

/** Splits a message on whitespace and masks each token. */
export function tokenize(message: string): Tokenized {
  const seps: string[] = [];
  const tokens = maskedTokens(message, undefined, seps);
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
