/**
 * JSON text PostgreSQL can hold as jsonb. Its jsonb refuses two things JSON allows: the NUL character (`\u0000`, it
 * cannot be held in text) and a lone surrogate escape (`\ud800` not followed by its pair). Event payloads are stored
 * as `json` (kept as text), which takes them, but the text a job reads out of them goes on into text columns (a
 * triage's text), the `->>` operator refuses them, and the column must stay convertible to jsonb: a signed webhook
 * carrying either (a customer's message pasted from a binary file, a client that cut a string mid-emoji) would fail
 * later instead of being handled. Such text is re-serialised with NUL and lone surrogates replaced by U+FFFD in every key and
 * string; any other text is stored exactly as received (parsing it again here would cost as much as the first parse).
 */

/** A `\u0000` or a surrogate escape (`\uD800`–`\uDFFF`, paired or not: the paired ones only cost the slow path). */
const JSONB_UNSAFE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/** `value` with NUL and lone surrogates replaced by U+FFFD in every string and key. */
export function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map(storableValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[clean(k)] = storableValue(v);
    return out;
  }
  return value;
}

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSTORABLE_CHAR = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(s: string): string {
  return s.replace(UNSTORABLE_CHAR, '\uFFFD');
}

/**
 * The JSON text to store for a payload: `text` (the bytes received, already parsed into `value`) when jsonb takes it
 * as is, else `value` cleaned and serialised. Without `text`, `value` is serialised (and cleaned when needed).
 */
export function storableJson(value: unknown, text?: string): string {
  const json = text ?? JSON.stringify(value);
  // Most payloads have no \u escape at all: one substring search (fast) before the pattern.
  return json.includes('\\u') && JSONB_UNSAFE_ESCAPE.test(json) ? JSON.stringify(storableValue(value)) : json;
}
