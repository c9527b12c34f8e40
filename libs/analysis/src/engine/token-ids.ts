/**
 * Masked tokens as small integers, for a miner that compares tokens by id instead of by string.
 *
 * A message is scanned once as bytes (ASCII text, copied with TextEncoder.encodeInto), and each token is looked up
 * by a hash of its characters in a table of tokens already masked, so no string is made for a token seen before.
 * The masking rules (masking.ts) run once per distinct *digit-blind* token: every digit counts as `1` (a `0` before
 * `x`/`X` stays `0`, a hex prefix). The rules only ever look at digits as a class (`\d`, `[0-9a-f]`, how many
 * of them) apart from that `0x` prefix, so a token and its digit-blind form take the same path through them; when
 * the mask keeps no digit (`blk_<*>`, `port:<*>`), it is the mask of every token of that digit-blind form. When it
 * keeps digits (`ssh2`, `eth0.<*>`), the token itself is masked and remembered. Lines that are not ASCII take the
 * string path (maskedTokens) and give the same ids.
 */
import {
  applyLineRules,
  C_DETECT,
  C_SPACE,
  CHAR_CLASS,
  F_DIGIT,
  F_NONDIGIT,
  F_PUNCT,
  hasDigit,
  MAX_LINE_CHARS,
  MAX_TOKEN_CHARS,
  maskedTokens,
  maskScanned,
  TOKEN_SLOTS,
  WILDCARD,
} from './masking';

// Module-local copies of the scanner's table and flags: imported bindings are read through accessors in CommonJS
// output, too slow for a loop over every character.
const CLASS: Uint8Array = CHAR_CLASS;
const DIGIT = F_DIGIT;
const NONDIGIT = F_NONDIGIT;
const PUNCT = F_PUNCT;
const SPACE = C_SPACE;
const DETECT = C_DETECT;
const LINE_CHARS = MAX_LINE_CHARS;
const TOKEN_CHARS = MAX_TOKEN_CHARS;

/** Masked-token kinds (see MaskedVocabulary.kind). */
export const KIND_WILDCARD = 1;
/** `(` followed by a wildcard: a quantity's conversion may start here (see the miner's absorbQuantities). */
export const KIND_PAREN_VALUE = 2;
/** The most tokens a message has (the size of a buffer for MaskedVocabulary.tokenIds). */
export const MASKED_TOKEN_SLOTS = TOKEN_SLOTS;

/** The current line as bytes (ASCII), a space and seven zero bytes after its end (the scanner looks a few bytes ahead). */
const BYTES = new Uint8Array(LINE_CHARS + 8);
/**
 * The digit-blind form of each token, filled by the scanner: token k at the byte TOK gives (a multiple of 4), zero
 * bytes after it up to the next multiple of 4, so that token keys compare four bytes at a time (BLIND32). A token of
 * L characters takes at most L + 3 bytes and is followed by at least one space in the line.
 */
const BLIND = new Uint8Array(LINE_CHARS * 4 + 16);
const BLIND32 = new Int32Array(BLIND.buffer);
/** A token's own bytes, aligned and zero-padded like BLIND (see keyOf). */
const KEY = new Uint8Array(MAX_TOKEN_CHARS + 8);
const KEY32 = new Int32Array(KEY.buffer);
const encoder = new TextEncoder();

/** The hash of `words` 4-byte words of src from word `at` (a multiply-xor per word, then the bits mixed down). */
function hashWords(src: Int32Array, at: number, words: number): number {
  let h = words;
  for (let j = at, end = at + words; j < end; j++) h = Math.imul(h ^ src[j], 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Copies an ASCII string into BYTES; false when it is not ASCII (or too long), BYTES then undefined. */
function loadAscii(s: string): boolean {
  const len = s.length;
  if (len > LINE_CHARS) return false;
  const r = encoder.encodeInto(s, BYTES);
  if (r.read !== len || r.written !== len) return false;
  // A space ends the last token (the scanner's loop looks for nothing else), zero bytes after it.
  BYTES[len] = 32;
  for (let i = len + 1; i < len + 8; i++) BYTES[i] = 0;
  return true;
}

/**
 * The scanned tokens, four ints each (one array: one bounds check for the four): start, end, flags, and where the
 * token's digit-blind key starts in BLIND (a multiple of 4).
 */
const TOK = new Int32Array(TOKEN_SLOTS * 4);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether BYTES[p, p + 3) is a month's abbreviation (Jan ... Dec, as the line rules spell them). */
function isMonthAt(p: number): boolean {
  const a = BYTES[p];
  const b = BYTES[p + 1];
  const c = BYTES[p + 2];
  switch (a) {
    case 74: // J: Jan Jun Jul
      return (b === 97 && c === 110) || (b === 117 && (c === 110 || c === 108));
    case 70: // Feb
      return b === 101 && c === 98;
    case 77: // Mar May
      return b === 97 && (c === 114 || c === 121);
    case 65: // Apr Aug
      return (b === 112 && c === 114) || (b === 117 && c === 103);
    case 83: // Sep
      return b === 101 && c === 112;
    case 79: // Oct
      return b === 99 && c === 116;
    case 78: // Nov
      return b === 111 && c === 118;
    case 68: // Dec
      return b === 101 && c === 99;
    default:
      return false;
  }
}

/** A `0` (which may start a hex prefix): ENTRY's flag for the rare branch. */
const ZERO = 128;
/** `x` or `X` (a hex prefix needs one after its `0`), and `=`: which of rareBytes' checks a token needs. */
const HEX_X = 1 << 16;
const EQUALS = 1 << 17;
/**
 * Per byte: its class (CHAR_CLASS bits, below ZERO), ZERO for `0`, its digit-blind code in bits 8-15 (`1` for every
 * digit; a `0` is decided by the next byte) and HEX_X or EQUALS above them (the Uint8Array store of the code keeps
 * its low byte). One look-up per character.
 */
const ENTRY = (() => {
  const t = new Int32Array(256);
  for (let c = 0; c < 256; c++)
    t[c] = CLASS[c] | (c === 48 ? ZERO : 0) | ((c >= 48 && c <= 57 ? 49 : c) << 8) | ((c | 32) === 120 ? HEX_X : 0) | (c === 61 ? EQUALS : 0);
  return t;
})();

/**
 * masking.ts's scanLine over BYTES[0, len): token bounds, flags and the hash of the digit-blind characters (BLIND
 * filled on the way); -1 with `detect` when the line rules must rewrite the line first.
 */
function scanBytes(len: number, detect: boolean): number {
  // Locals for the tables: the loop then keeps them (and their bounds) in registers.
  const s = BYTES;
  const entry = ENTRY;
  const blind = BLIND;
  const tok = TOK;
  let n = 0;
  let i = 0;
  monthSeen = false;
  monthTok = 0;
  /** The next key's byte in BLIND. */
  let w = 0;
  while (i < len && entry[s[i]] & SPACE) i++;
  while (i < len) {
    const start = i;
    const key = w;
    /** BLIND's byte for BYTES[i] in this token (one counter in the loop instead of two). */
    const toKey = (key - start) | 0;
    let flags = 0;
    // The hot loop: a space ends the token (BYTES[len] is one); `0` and what the line rules rewrite are looked at
    // once the token is complete (rareBytes).
    for (;;) {
      const e = entry[s[i]];
      if (e & SPACE) break;
      flags |= e;
      blind[(i + toKey) | 0] = e >> 8;
      i = (i + 1) | 0;
    }
    w = (i + toKey) | 0;
    if (flags & (ZERO | DETECT) && rareBytes(start, i, key, flags, detect, n)) return -1;
    // Zero bytes up to the next multiple of 4 (three stores whatever the length: no loop to mispredict).
    blind[w] = 0;
    blind[w + 1] = 0;
    blind[w + 2] = 0;
    w = (w + 3) & ~3;
    const t = n << 2;
    tok[t] = start;
    tok[t | 1] = i;
    tok[t | 2] = flags & (ZERO - 1);
    tok[t | 3] = key;
    n++;
    while (i < len && entry[s[i]] & SPACE) i++;
  }
  return n;
}

/** Whether one of the line's tokens before monthTok ends in a month name (scanBytes' state for rareBytes). */
let monthSeen = false;
let monthTok = 0;

/**
 * The token BYTES[start, end) (its digit-blind key at BLIND[key]) has a `0`, or a `-`, `:` or `=`: a `0` before `x`/`X`
 * keeps its `0` in the key (a hex prefix), and with `detect`, true when what the line rules (masking.ts
 * applyLineRules) rewrite starts in it: `key="..."`, a date `dddd-dd-dd`, a time `d:dd` after a token ending in a month name. (The
 * string scanner gives up on any `d-dd` or `d:dd`; when the rules would change nothing, both ways give the same
 * tokens.) Kept out of scanBytes' loop, which stays small.
 */
function rareBytes(start: number, end: number, key: number, flags: number, detect: boolean, tokens: number): boolean {
  const s = BYTES;
  if (flags & ZERO && flags & HEX_X) for (let i = start; i < end; i++) if (s[i] === 48 && (s[i + 1] | 32) === 120) BLIND[key + i - start] = 48;
  // A date or a time needs digits around its `-` or `:`; a quoted value needs an `=`.
  if (detect === true && flags & DETECT && flags & (DIGIT | EQUALS))
    for (let i = start; i < end; i++) {
      const c = s[i];
      if ((c === 45 || c === 58 || c === 61) && lineRuleAt(i, start, tokens)) return true;
    }
  return false;
}

/**
 * Whether the token BYTES[start, end) ends in a month name the way the line rules' date pattern takes one: at a word
 * boundary, `Jan` ... `Dec` then lower-case letters only up to the whitespace after the token (`MONTH[a-z]*\s+`).
 * The pattern can only match from such a token, so a time in a line without one leaves the line as it is.
 */
function endsInMonth(start: number, end: number): boolean {
  const s = BYTES;
  let p = end - 1;
  while (p >= start && s[p] >= 97 && s[p] <= 122) p--;
  // s[p]: the month's capital; before it the token's start or a character that is not a word character.
  if (p < start || end - p < 3 || !isMonthAt(p)) return false;
  return p === start || !isWordByte(s[p - 1]);
}
function isWordByte(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}

/** Whether what the line rules rewrite starts at BYTES[i] of the token from `start`, after `tokens` scanned tokens. */
function lineRuleAt(i: number, start: number, tokens: number): boolean {
  const s = BYTES;
  const c = s[i];
  if (c === 61) {
    const d = s[i + 1];
    return d === 34 || d === 39;
  }
  if (!(i > start && isDigit(s[i - 1]) && isDigit(s[i + 1]) && isDigit(s[i + 2]))) return false;
  if (c === 45)
    return i - 4 >= start && isDigit(s[i - 2]) && isDigit(s[i - 3]) && isDigit(s[i - 4]) && s[i + 3] === 45 && isDigit(s[i + 4]) && isDigit(s[i + 5]);
  if (!monthSeen) {
    // Every earlier token once per line (a local in the loop, the state written back once).
    let k = monthTok;
    while (k < tokens && !endsInMonth(TOK[k << 2], TOK[(k << 2) + 1])) k++;
    monthSeen = k < tokens;
    monthTok = k;
  }
  return monthSeen;
}

/**
 * An open-addressing table from a token's bytes (hash + a key of `src`: 4-byte words, zero-padded) to a positive
 * int. The keys live in one word arena. It doubles up to MEMO_MAX_SLOTS, then is emptied when half full: it only remembers work, so losing it
 * changes no result.
 */
/** Initial slots: the digit-blind memo holds most distinct tokens, the exact one only tokens whose mask keeps digits. */
const BLIND_SLOTS = 1 << 10;
const EXACT_SLOTS = 1 << 7;
const MEMO_MAX_SLOTS = 1 << 16;
class TokenMemo {
  /** Per slot, side by side (one cache line per probe): hash, value (0: empty slot), key offset in the arena, key length. */
  private table: Int32Array;
  private arena: Int32Array;
  /** Words of the arena in use. */
  private arenaUsed = 0;
  private count = 0;

  constructor(slots: number) {
    this.table = new Int32Array(slots * 4);
    this.arena = new Int32Array(slots * 2);
  }

  /** The value stored for the key of `len` bytes at word `at` of src, or 0. */
  get(h: number, src: Int32Array, at: number, len: number): number {
    const table = this.table;
    const mask = (table.length >> 2) - 1;
    const arena = this.arena;
    const words = (len + 3) >> 2;
    // `| 0` on the indexes: int32 arithmetic, no overflow checks.
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const p = slot << 2;
      const v = table[p | 1];
      if (v === 0) return 0;
      if (table[p] !== h || table[p | 3] !== len) continue;
      const to = table[p | 2];
      let j = 0;
      while (j < words && arena[(to + j) | 0] === src[(at + j) | 0]) j = (j + 1) | 0;
      if (j === words) return v;
    }
  }

  set(h: number, src: Int32Array, at: number, len: number, value: number): void {
    if (this.count >= this.table.length >> 3) this.grow();
    const words = (len + 3) >> 2;
    if (this.arenaUsed + words > this.arena.length) {
      const a = new Int32Array(Math.max(this.arena.length * 2, this.arenaUsed + words));
      a.set(this.arena);
      this.arena = a;
    }
    const arena = this.arena;
    for (let j = 0, to = this.arenaUsed; j < words; j++) arena[to + j] = src[at + j];
    this.place(h, value, this.arenaUsed, len);
    this.arenaUsed += words;
  }

  private place(h: number, value: number, at: number, len: number): void {
    const table = this.table;
    const mask = (table.length >> 2) - 1;
    let slot = h & mask;
    while (table[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
    const p = slot << 2;
    table[p] = h;
    table[p + 1] = value;
    table[p + 2] = at;
    table[p + 3] = len;
    this.count++;
  }

  private grow(): void {
    const old = this.table;
    const slots = old.length >> 2;
    this.count = 0;
    if (slots >= MEMO_MAX_SLOTS) {
      this.table = new Int32Array(old.length);
      this.arenaUsed = 0;
      return;
    }
    this.table = new Int32Array(old.length * 2);
    for (let p = 0; p < old.length; p += 4) if (old[p + 1] !== 0) this.place(old[p], old[p + 1], old[p + 2], old[p + 3]);
  }
}

/**
 * For a token of letters and at least one digit in BYTES[start, end), what maskToken() decides: a keyword with one
 * digit (`ssh2`, `log4j`: two letters first, a single digit) stays, unless it is a hex word of 8 or more characters;
 * anything else (`9fef4401dd8f`, `node129`, `12ms`, `0x1f`) is a value.
 */
function keywordWithDigit(start: number, end: number): boolean {
  if (!isLetter(BYTES[start]) || !isLetter(BYTES[start + 1])) return false;
  let digits = 0;
  let hex = true;
  for (let i = start; i < end; i++) {
    const c = BYTES[i];
    if (c >= 48 && c <= 57) digits++;
    else if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) hex = false;
  }
  return digits === 1 && !(hex && end - start >= 8);
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Copies BYTES[start, end) into KEY (zero-padded to a multiple of 4) and returns its hash. */
function keyOf(start: number, end: number): number {
  let w = 0;
  for (let i = start; i < end; i++) KEY[w++] = BYTES[i];
  while (w & 3) KEY[w++] = 0;
  return hashWords(KEY32, 0, w >> 2);
}

/** In the blind memo: the token's mask keeps digits, look the token itself up in the exact memo. */
const DIGITS_KEPT = -1;

/**
 * Ids of masked tokens: id 0 is the wildcard, every other masked token gets the next id the first time it is seen;
 * the same masked text always has the same id.
 */
export class MaskedVocabulary {
  /** Masked token text by id. */
  readonly text: string[] = [WILDCARD];
  /** KIND_* bits by id. */
  kind = new Uint8Array(1024);
  private readonly ids = new Map<string, number>([[WILDCARD, 0]]);
  /** Digit-blind token → masked id + 1, or DIGITS_KEPT. */
  private readonly blind = new TokenMemo(BLIND_SLOTS);
  /** Token → masked id + 1, for tokens whose mask keeps digits. */
  private readonly exact = new TokenMemo(EXACT_SLOTS);

  constructor() {
    this.kind[0] = KIND_WILDCARD;
  }

  get size(): number {
    return this.text.length;
  }

  /** The id of a masked token, assigned on first sight. */
  idOf(masked: string): number {
    let id = this.ids.get(masked);
    if (id === undefined) {
      id = this.text.length;
      this.text.push(masked);
      this.ids.set(masked, id);
      if (id === this.kind.length) {
        const k = new Uint8Array(id * 2);
        k.set(this.kind);
        this.kind = k;
      }
      let kind = 0;
      if (masked.includes(WILDCARD)) {
        kind |= KIND_WILDCARD;
        if (masked.charCodeAt(0) === 40) kind |= KIND_PAREN_VALUE;
      }
      this.kind[id] = kind;
    }
    return id;
  }

  /** Whether a token after the first of the last tokenIds() line may be a KIND_PAREN_VALUE one (starts with `(`). */
  parenAfterFirst = false;

  /** Splits and masks a message exactly like maskedTokens(), writing the masked tokens' ids into `out`; returns their count. */
  tokenIds(message: string, out: Int32Array): number {
    this.parenAfterFirst = true;
    let text = message.length > LINE_CHARS ? message.slice(0, LINE_CHARS) : message;
    if (!loadAscii(text)) return this.idsOfStrings(message, out);
    let n = scanBytes(text.length, true);
    if (n < 0) {
      // A date/time or a quoted value after `=`: the line rules rewrite the line first.
      text = applyLineRules(text.trim());
      if (!loadAscii(text)) return this.idsOfStrings(message, out);
      n = scanBytes(text.length, false);
    }
    let paren = false;
    for (let k = 0; k < n; k++) {
      const t = k << 2;
      const start = TOK[t];
      if (BYTES[start] === 40 && k > 0) paren = true;
      const end = TOK[t | 1];
      const len = (end - start) | 0;
      const flags = TOK[t | 2];
      if (len > TOKEN_CHARS || (flags & (DIGIT | NONDIGIT)) === DIGIT) {
        out[k] = 0;
        continue;
      }
      if ((flags & (DIGIT | PUNCT)) === DIGIT) {
        // Letters and digits only (hex ids, `node129`, `ssh2`): a value unless a keyword with one digit.
        out[k] = keywordWithDigit(start, end) ? this.exactId(text, start, end, flags) : 0;
        continue;
      }
      const at = TOK[t | 3] >> 2;
      const h = hashWords(BLIND32, at, (len + 3) >> 2);
      let v = this.blind.get(h, BLIND32, at, len);
      if (v === 0) {
        // The first token of a digit-blind form is masked itself: it takes the same path through the rules as its
        // digit-blind form, so its mask is that form's mask when it keeps no digit, and keeps digits when that does.
        const masked = maskScanned(text.slice(start, end), flags, undefined);
        v = (flags & DIGIT) === 0 || !hasDigit(masked) ? this.idOf(masked) + 1 : DIGITS_KEPT;
        this.blind.set(h, BLIND32, at, len, v);
      }
      out[k] = v === DIGITS_KEPT ? this.exactId(text, start, end, flags) : (v - 1) | 0;
    }
    this.parenAfterFirst = paren;
    return n;
  }

  /** The id of the mask of text[start, end) (in BYTES), remembered by the token itself. */
  private exactId(text: string, start: number, end: number, flags: number): number {
    const h = keyOf(start, end);
    let v = this.exact.get(h, KEY32, 0, end - start);
    if (v === 0) {
      v = this.idOf(maskScanned(text.slice(start, end), flags, undefined)) + 1;
      this.exact.set(h, KEY32, 0, end - start, v);
    }
    return v - 1;
  }

  /** The string path, for lines that are not ASCII. */
  private idsOfStrings(message: string, out: Int32Array): number {
    const tokens = maskedTokens(message);
    for (let k = 0; k < tokens.length; k++) out[k] = this.idOf(tokens[k]);
    return tokens.length;
  }
}
