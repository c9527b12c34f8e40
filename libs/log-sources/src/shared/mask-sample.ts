/**
 * TEMPORARY (issue 19.2) — a minimal masker for the sample lines of `POST …/log-sources/:id/test`, the one place this
 * library shows log text. The product's masker (secrets and personal data, with the project's keep-emails/IPs
 * setting) is being written in libs/analysis/src/engine; once it lands, call it from LogSourcesService.test() instead
 * and delete this file. Until then this covers the same classes, always masking emails and IP addresses.
 */

/** Luhn check of a digit string (card numbers). */
function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const RULES: Array<[RegExp, string | ((m: string, ...g: string[]) => string)]> = [
  // Passwords in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[REDACTED]@'],
  // Authorization values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]'],
  // JSON Web Tokens.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g, '[JWT]'],
  // Provider keys: Stripe-style (sk_live_…), AWS access key ids, GitHub and Slack tokens.
  [/\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/g, '[KEY]'],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[KEY]'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})/g, '[KEY]'],
  // key=value secrets (`password=…`, `"token": "…"`): values that look like one (a digit, or 16+ characters), so
  // that prose such as "failed to validate token: provider down" is left alone.
  [
    /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)("?\s*[=:]\s*"?)([^\s"&,;]{4,})/gi,
    (m: string, key: string, sep: string, value: string) => (/\d/.test(value) || value.length >= 16 ? `${key}${sep}[REDACTED]` : m),
  ],
  // Card numbers (13–19 digits, spaces or dashes allowed), only when the Luhn check passes.
  [
    /\b\d(?:[ -]?\d){12,18}\b/g,
    (m: string) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[CARD]' : m;
    },
  ],
  // Emails.
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[EMAIL]'],
  // IPv4 addresses.
  [/\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g, '[IP]'],
  // IPv6 addresses (at least three groups, to leave times like 10:00:00 alone).
  [/\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}\b/gi, '[IP]'],
];

export function maskSampleText(text: string): string {
  let out = text;
  for (const [re, to] of RULES) out = out.replace(re, to as string);
  return out;
}
