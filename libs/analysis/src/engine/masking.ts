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
/** Punctuation that separates the pieces of a token (dot leaders like `......` included). */
export const PIECE_SPLIT = /((?:[=:,;()[\]{}|"'@#/\\]|<(?!\*>)|(?<!<\*)>|\.{2,})+)/;
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
const BOOLEAN_PIECE = /(?:^|[^A-Za-z])(?:true|false)(?:$|[^A-Za-z])/i;

function subwordIsValue(p: string): boolean {
  if (!HAS_DIGIT.test(p)) return false;
  if (NUMBER.test(p) || HEX_WORD.test(p)) return true;
  return !ONE_DIGIT_WORD.test(p);
}

/** True when a word (no punctuation) is a value rather than a keyword. */
function isValuePiece(p: string): boolean {
  if (p === '') return false;
  if (!HAS_DIGIT.test(p)) return false;
  if (NUMBER.test(p)) return true;
  if (HEX_WORD.test(p)) return true;
  if (ONE_DIGIT_WORD.test(p)) return false;
  // snake_case identifiers: a value only when one of their parts is (blk_123, jk2_init is a keyword).
  if (p.includes('_')) {
    for (const w of p.split('_')) if (subwordIsValue(w)) return true;
    return false;
  }
  return true;
}

/** Wrapping punctuation around a token's core value: `(`, `[`, `"`, `name(` before; `)`, `:`, `,`, `.` after. */
const WRAPPED = /^((?:[A-Za-z_]\w*\()?[([{"'<]*)(.*?)([)\]}"'>,.;:]*)$/;

function isWholeValue(core: string): boolean {
  return EMAIL.test(core) || URL.test(core) || PATH.test(core) || HEX_PREFIXED.test(core) || NUM_UNIT.test(core) || HOST_PORT.test(core);
}

/** Masks one whitespace-free token. */
export function maskToken(token: string): string {
  if (token.length === 0) return token;
  if (token === WILDCARD) return token;
  const q = QUOTED.exec(token);
  if (q) {
    // A quoted value is masked like the bare value (a quoted path or number is a variable, a quoted name is not).
    const inner = maskToken(q[2]);
    return q[1] + (inner.includes(WILDCARD) ? WILDCARD : inner) + q[1] + q[3];
  }
  const w = WRAPPED.exec(token);
  // A path keeps a trailing '.' (file names end in one), other wrappers stay literal around the value.
  if (w && w[2] !== '' && (w[1] !== '' || w[3] !== '') && !(w[3] === '.' && PATH.test(w[2])) && isWholeValue(w[2])) return w[1] + WILDCARD + w[3];
  if (isWholeValue(token)) return WILDCARD;
  let t = token;
  if (t.length >= 36) t = t.replace(UUID, WILDCARD);
  if (t.length >= 7) t = t.replace(IP_VALUE, WILDCARD);
  if (!HAS_DIGIT.test(t) && !BOOLEAN_PIECE.test(t)) return t;
  const parts = t.split(PIECE_SPLIT);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i % 2 === 1) out += p;
    else if (isValuePiece(p)) {
      const nd = NAME_DOT_NUMBER.exec(p) ?? NAME_DASH_VALUE.exec(p);
      out += nd ? nd[1] + WILDCARD : WILDCARD;
    } else if (BOOLEAN.test(p)) out += WILDCARD;
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

const WS = /(\s+)/;

/** Splits a message on whitespace and masks each token. */
export function tokenize(message: string): Tokenized {
  let trimmed = message.trim();
  if (trimmed.length > 9 && HAS_DIGIT.test(trimmed)) trimmed = trimmed.replace(DATETIME, WILDCARD);
  if (trimmed.includes('=')) trimmed = trimmed.replace(KEYED_QUOTE, (m, qc: string, inner: string) => (inner === '' ? m : `=${qc}${WILDCARD}${qc}`));
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
