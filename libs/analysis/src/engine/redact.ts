/**
 * Masking of secrets and personal data in log text (issue 19 item 2, contract §9): everything the engine emits
 * (signature templates, timeline, logEvidence, example lines) goes through `maskSecrets`, and so can anything
 * else that shows or stores log text (sample lines of a log source test, notes).
 *
 * What is masked:
 * - card numbers: 13–19 digits, alone or in groups split by single spaces or dashes, that pass the Luhn check
 *   and start like a card (2–6) → `[CARD]`;
 * - private key blocks (`-----BEGIN … PRIVATE KEY-----`), JWTs, `Bearer …`/`Basic …`/`Token …` credentials,
 *   well-known key formats (Stripe `sk_live_…`, AWS access key ids, GitHub, Slack, Google, GitLab, SigSentry
 *   `ss_…` keys), passwords in URLs (`scheme://user:…@host`) and the values of secret-looking keys
 *   (`password=…`, `"api_key": "…"`, `token: …`) → `[REDACTED]`;
 * - e-mail addresses → `[EMAIL]` and IPv4/IPv6 addresses → `[IP]`, unless `keepEmails` / `keepIps`.
 *
 * Linear time: every pattern starts only at the beginning of a run of the characters it can match (a
 * lookbehind excludes the run's own characters) or at a fixed literal, and every repetition that could
 * backtrack is bounded, so each start costs O(1) or O(length of its run) and runs do not overlap. The
 * libraries we checked (@logtape/redaction, @redactpii/node) use e-mail patterns that are quadratic on a long
 * token (4.7 s for 40 kB of letters), hence this hand-made set.
 */

export interface SecretMaskingOptions {
  /** Keep e-mail addresses (default false: they are masked). */
  keepEmails?: boolean;
  /** Keep IP addresses (default false: they are masked). */
  keepIps?: boolean;
}

export const MASK = { secret: '[REDACTED]', card: '[CARD]', email: '[EMAIL]', ip: '[IP]' } as const;

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g;
/** scheme://user:password@host — the password goes. */
const URL_PASSWORD = /(?<![\w+.-])([A-Za-z][\w+.-]{0,31}:\/\/[^\s:/?#@]{0,256}):[^\s/?#@]{1,256}@/g;
/** Authorization schemes followed by their credential. */
const AUTH_SCHEME = /(?<![\w-])(Bearer|Basic|Token|Digest)(\s+)([\w~+/.=-]{6,})/gi;
/** Three base64url parts, the first two JSON objects (`eyJ` = `{"`). */
const JWT = /(?<![\w-])eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
/** Well-known credential formats. */
const KNOWN_KEY = new RegExp(
  [
    '(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{6,}',
    'whsec_[A-Za-z0-9]{10,}',
    'ss_(?:live|test|pub|org|secret|sk)_[A-Za-z0-9_-]{6,}',
    '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    'gh[pousr]_[A-Za-z0-9]{20,}',
    'github_pat_\\w{20,}',
    'xox[abposr]-[A-Za-z0-9-]{10,}',
    'AIza[\\w-]{30,}',
    'glpat-[\\w-]{16,}',
    'npm_[A-Za-z0-9]{30,}',
  ]
    .map((p) => `(?<![\\w-])${p}`)
    .join('|'),
  'g',
);
/**
 * `key=value`, `key: value`, `"key": "value"`: the key is a bounded run of name characters starting a run, the
 * value a bounded quoted string or bare run. Whether the key is secret is decided in code (SECRET_KEY).
 */
const KEY_VALUE = /(?<![\w-])([\w.-]{1,64})(["']?[ \t]{0,8}[=:][ \t]{0,8})(?:"([^"\n]{0,512})"|'([^'\n]{0,512})'|(["']?[^\s"'&,;)}\]]+))/g;
const SECRET_KEY =
  /pass(?:word|wd|phrase)?$|^pwd$|secret|token|api[-_.]?key|apikey|access[-_.]?key|private[-_.]?key|credential|^authorization$|^auth$|session[-_.]?(?:id|key|token)$|^cookie$|^set-cookie$|signature$|^sig$/i;
/** Digits in groups of one or more, separated by a single space or dash: a card candidate (checked in code). */
const DIGIT_GROUPS = /(?<![\w.-])\d(?:[ -]?\d){12,22}(?![\w])/g;
const EMAIL = /(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+/g;
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?!\\w|\\.\\d)`, 'g');
/** Hex groups joined by colons: at least three colons or a `::` (so clock times like 10:11:12 stay). */
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})?(?![\w:])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

function isCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  return first >= 2 && first <= 6 && luhn(digits);
}

/**
 * Masks card numbers inside a run of digit groups: the whole run, or any stretch of whole groups of 13–19
 * digits (a card after an unrelated number: `qty 2 4111 1111 1111 1111`). At most 23 groups: bounded work.
 */
function maskCards(run: string): string {
  const groups: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < run.length;) {
    let j = i;
    while (j < run.length && run.charCodeAt(j) >= 48 && run.charCodeAt(j) <= 57) j++;
    groups.push({ start: i, end: j });
    i = j + 1;
  }
  let out = '';
  let pos = 0;
  for (let g = 0; g < groups.length; g++) {
    let digits = '';
    let hit = -1;
    for (let h = g; h < groups.length; h++) {
      digits += run.slice(groups[h].start, groups[h].end);
      if (digits.length > 19) break;
      if (isCard(digits)) hit = h;
    }
    if (hit >= 0) {
      out += run.slice(pos, groups[g].start) + MASK.card;
      pos = groups[hit].end;
      g = hit;
    }
  }
  return pos === 0 ? run : out + run.slice(pos);
}

const ALREADY_MASKED = /^["']?\[(?:REDACTED|CARD|EMAIL|IP)\b/;

/** `Bearer x` always; the other schemes only before something that is not a plain word (`Basic authentication`). */
function maskAuth(m: string, scheme: string, ws: string, cred: string): string {
  if (scheme.toLowerCase() !== 'bearer' && !/[0-9+/=]/.test(cred) && !(/[A-Z]/.test(cred.slice(1)) && /[a-z]/.test(cred))) return m;
  return `${scheme}${ws}${MASK.secret}`;
}

function maskKeyValue(m: string, key: string, sep: string, dq?: string, sq?: string, bare?: string): string {
  const k = key.replace(/^[.-]+|[.-]+$/g, '');
  if (!SECRET_KEY.test(k)) return m;
  const value = dq ?? sq ?? bare ?? '';
  if (value === '' || ALREADY_MASKED.test(value)) return m;
  if (dq !== undefined) return `${key}${sep}"${MASK.secret}"`;
  if (sq !== undefined) return `${key}${sep}'${MASK.secret}'`;
  const q = bare !== undefined && (bare[0] === '"' || bare[0] === "'") ? bare[0] : '';
  return `${key}${sep}${q}${MASK.secret}`;
}

/** Cheap pre-checks: most log lines contain none of the characters a pattern needs. */
function hasDigitRun(s: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= n) return true;
    } else if (c !== 32 && c !== 45) run = 0;
  }
  return false;
}

/** Masks secrets and personal data in one text (see the file comment). Linear in the text's length. */
export function maskSecrets(text: string, options: SecretMaskingOptions = {}): string {
  if (!text) return text;
  let s = text;
  if (s.includes('PRIVATE KEY-----')) s = s.replace(PRIVATE_KEY, MASK.secret);
  if (s.includes('://')) s = s.replace(URL_PASSWORD, `$1:${MASK.secret}@`);
  s = s.replace(AUTH_SCHEME, maskAuth);
  if (s.includes('eyJ')) s = s.replace(JWT, MASK.secret);
  s = s.replace(KNOWN_KEY, MASK.secret);
  if (s.includes('=') || s.includes(':')) s = s.replace(KEY_VALUE, maskKeyValue);
  if (hasDigitRun(s, 13)) s = s.replace(DIGIT_GROUPS, maskCards);
  if (!options.keepEmails && s.includes('@')) s = s.replace(EMAIL, MASK.email);
  if (!options.keepIps) {
    if (s.includes('.')) s = s.replace(IPV4, MASK.ip);
    if (s.includes(':')) s = s.replace(IPV6, (m) => (isIpv6(m) ? MASK.ip : m));
  }
  return s;
}

/** At least three colons, or a `::`, and not only decimal digit groups of two (clock times, ratios). */
function isIpv6(m: string): boolean {
  let colons = 0;
  for (let i = 0; i < m.length; i++) if (m.charCodeAt(i) === 58) colons++;
  if (m.includes('::')) return m.length > 2;
  return colons >= 3;
}

/** A reusable masker bound to one project's options. */
export function createSecretMasker(options: SecretMaskingOptions = {}): (text: string) => string {
  const o = { keepEmails: !!options.keepEmails, keepIps: !!options.keepIps };
  return (text: string) => maskSecrets(text, o);
}
