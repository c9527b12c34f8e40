/**
 * Canvas Kit builder (reference intercom.md §5.5–§5.6). Pure TS: no Nest, no HTTP, no DB.
 *
 * It can only emit valid Inbox canvases: known component types and fields, unique ids, required fields,
 * strings trimmed to sane limits, http(s) URLs only (https for images), `content` and `stored_data` each
 * within 64 KB (long trimmable lists are cut with an "and N more" item; otherwise building throws).
 *
 * Text components use Canvas Kit's Markdown subset (`**bold**`/`*bold*`, `[link](url)`). Plain strings given
 * to `text()` are escaped so user text cannot inject links or bold; trusted Markdown is written with the
 * `md` tagged template, which escapes every interpolated value. Other fields (labels, list titles,
 * data-table values) are not Markdown in Canvas Kit and are only cleaned and trimmed.
 */

export const CANVAS_LIMIT_BYTES = 64 * 1024;

/** Length limits (characters) applied to strings; generous for an Inbox sidebar, well inside 64 KB. */
export const CANVAS_TEXT_LIMITS = {
  text: 1000,
  label: 80,
  title: 200,
  subtitle: 200,
  field: 80,
  value: 500,
  url: 2048,
  id: 64,
} as const;

export type TextStyle = 'header' | 'paragraph' | 'muted' | 'error';
export type TextAlign = 'left' | 'center' | 'right';
export type ButtonStyle = 'primary' | 'secondary' | 'link';
export type SpacerSize = 'xs' | 's' | 'm' | 'l' | 'xl';
export type ImageAlign = 'left' | 'center' | 'right' | 'full_width';

export interface UrlAction {
  type: 'url';
  url: string;
}
export interface SubmitAction {
  type: 'submit';
}
export type CanvasAction = SubmitAction | UrlAction;

export interface TextComponent {
  type: 'text';
  id?: string;
  text: string;
  style?: TextStyle;
  align?: TextAlign;
}
export interface ButtonComponent {
  type: 'button';
  id: string;
  label: string;
  action: CanvasAction;
  style?: ButtonStyle;
  disabled?: boolean;
}
export interface ListItem {
  type: 'item';
  id: string;
  title: string;
  subtitle?: string;
  tertiary_text?: string;
  action?: UrlAction;
}
/** Canvas Kit's list has no `id` (reference §5.6: items and disabled only). */
export interface ListComponent {
  type: 'list';
  items: ListItem[];
}
export interface FieldValue {
  type: 'field-value';
  field: string;
  value: string;
}
export interface DataTableComponent {
  type: 'data-table';
  id?: string;
  items: FieldValue[];
}
export interface DividerComponent {
  type: 'divider';
  id?: string;
}
export interface SpacerComponent {
  type: 'spacer';
  id?: string;
  size?: SpacerSize;
}
export interface ImageComponent {
  type: 'image';
  id?: string;
  url: string;
  width: number;
  height: number;
  align?: ImageAlign;
  rounded?: boolean;
}
/** A choice of 2–10 options; its value comes back in the submit's `input_values[id]`. */
export interface DropdownComponent {
  type: 'dropdown';
  id: string;
  label?: string;
  options: Array<{ type: 'option'; id: string; text: string }>;
  value?: string;
}
/** A one-line text field; its value comes back in the submit's `input_values[id]`. */
export interface InputComponent {
  type: 'input';
  id: string;
  label?: string;
  placeholder?: string;
  value?: string;
}
export type CanvasComponent =
  | TextComponent
  | ButtonComponent
  | ListComponent
  | DataTableComponent
  | DividerComponent
  | SpacerComponent
  | ImageComponent
  | DropdownComponent
  | InputComponent;

export type StoredData = Record<string, unknown>;

export interface Canvas {
  content: { components: CanvasComponent[] };
  stored_data?: StoredData;
}
export interface CanvasResponse {
  canvas: Canvas;
}

/** Thrown when a caller asks for something that would not be valid Canvas Kit. */
export class CanvasBuildError extends Error {
  override readonly name = 'CanvasBuildError';
}

// ---------------------------------------------------------------- text helpers

// C0/C1 controls (tab/newline handled separately), bidi overrides/isolates, zero-width chars, BOM
// eslint-disable-next-line no-control-regex -- this pattern exists to remove control and direction characters from user text
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Removes control/invisible characters, folds tabs and line breaks into spaces, collapses runs of spaces. */
export function cleanText(s: unknown): string {
  return String(s ?? '')
    .replace(CONTROL_RE, '')
    .replace(/[\t\r\n\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Trims to `max` characters (code points), ending with "…" when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return (
    chars
      .slice(0, Math.max(0, max - 1))
      .join('')
      .trimEnd() + '…'
  );
}

/**
 * Neutralises what Canvas Kit's Markdown subset interprets (`**bold**`/`*bold*` and `[label](url)` are all it
 * documents; a backslash escape is not documented and would show literally): `*` becomes `∗` (U+2217, which no
 * Markdown reads as emphasis) and a zero-width space goes between `]` and `(`, so no link can form. Text stays readable.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/\*/g, '\u2217').replace(/\]\(/g, ']\u200b(');
}

/** User text → safe text-component content: cleaned, trimmed to `max`, Markdown-escaped. */
export function plainText(s: unknown, max: number = CANVAS_TEXT_LIMITS.text): string {
  return escapeMarkdown(truncate(cleanText(s), max));
}

const MD = Symbol('canvas-markdown');
/** Trusted Canvas Kit Markdown (made by `md`, `bold`, `link`). */
export interface Markdown {
  readonly [MD]: true;
  readonly source: string;
}
const mk = (source: string): Markdown => ({ [MD]: true, source });
export const isMarkdown = (v: unknown): v is Markdown => typeof v === 'object' && v !== null && (v as Markdown)[MD] === true;

/**
 * Tagged template for trusted Markdown: the literal parts are kept, every interpolated value is escaped
 * (unless it is itself `Markdown`). Example: md`**Severity:** ${userText}`.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): Markdown {
  let out = strings[0];
  values.forEach((v, i) => {
    out += (isMarkdown(v) ? v.source : plainText(v)) + strings[i + 1];
  });
  return mk(out);
}

/** `**text**` with the text escaped. */
export function bold(text: unknown): Markdown {
  const t = plainText(text);
  return mk(t ? `**${t}**` : '');
}

/** `[label](url)` with the label escaped; the URL must be http(s) and may not contain spaces or parentheses. */
export function link(label: unknown, url: string): Markdown {
  const u = safeUrl(url);
  if (/[\s()]/.test(u)) throw new CanvasBuildError(`link URL cannot contain spaces or parentheses: ${u}`);
  // brackets inside a label would end it early: shown as parentheses
  return mk(`[${plainText(label, CANVAS_TEXT_LIMITS.title).replace(/\[/g, '(').replace(/\]/g, ')')}](${u})`);
}

/** Returns the normalised URL if it is an absolute http(s) URL within the length limit, else throws. */
export function safeUrl(url: string, httpsOnly = false): string {
  let u: URL;
  try {
    u = new URL(String(url ?? '').trim());
  } catch {
    throw new CanvasBuildError(`not an absolute URL: ${JSON.stringify(url)}`);
  }
  const ok = httpsOnly ? u.protocol === 'https:' : u.protocol === 'https:' || u.protocol === 'http:';
  if (!ok) throw new CanvasBuildError(`URL must be ${httpsOnly ? 'https' : 'http(s)'}: ${JSON.stringify(url)}`);
  const s = u.toString();
  if (s.length > CANVAS_TEXT_LIMITS.url) throw new CanvasBuildError(`URL longer than ${CANVAS_TEXT_LIMITS.url} characters`);
  return s;
}

/** UTF-8 size of the JSON serialisation. */
export function jsonBytes(v: unknown): number {
  return new TextEncoder().encode(JSON.stringify(v)).length;
}

// ---------------------------------------------------------------- builder

const ID_RE = /^[A-Za-z0-9_.:-]+$/;

export interface TextOptions {
  style?: TextStyle;
  align?: TextAlign;
  id?: string;
  /** character limit for plain text (default CANVAS_TEXT_LIMITS.text) */
  max?: number;
}
export interface ButtonOptions {
  style?: ButtonStyle;
  disabled?: boolean;
}
export interface ListItemInput {
  /** base id; made unique with a suffix when already used */
  id: string;
  title: string;
  subtitle?: string | null;
  tertiaryText?: string | null;
  /** http(s) link opened in a new tab */
  url?: string | null;
}
export interface ListOptions {
  id?: string;
  /** show at most this many items, then "and N more" */
  maxItems?: number;
  /** may be cut further (with "and N more") when the canvas would exceed 64 KB (default true) */
  trimmable?: boolean;
  /** text of the overflow item (default `and N more`) */
  moreLabel?: (n: number) => string;
  /** where the overflow item links to (optional) */
  moreUrl?: string;
  /** items the caller already left out (counted in "and N more" without being built) */
  omitted?: number;
}

interface PendingList {
  component: ListComponent;
  all: ListItem[];
  opts: ListOptions;
  /** how many of `all` are shown */
  keep: number;
}

/**
 * Collects components and stored data, then `build()`s a response. Its typed components, cleaned texts, checked URLs
 * and ids and the 64 KB bound make the canvas valid; tests check the product's canvases with the sandbox's
 * independent validator (test/canvas-kit-canvases.spec.ts).
 * Explicit ids (buttons, `id` options) must be unique — a duplicate throws, because submit routing depends
 * on them; list-item ids are auto-suffixed (`x`, `x-2`, …).
 */
export class CanvasBuilder {
  private readonly components: CanvasComponent[] = [];
  private readonly ids = new Set<string>();
  private readonly lists: PendingList[] = [];
  private stored: StoredData | undefined;

  /** A text component. Strings are user text (escaped); use `md`/`bold`/`link` for formatting. */
  text(content: string | Markdown, opts: TextOptions = {}): this {
    const text = isMarkdown(content) ? content.source.trim() : plainText(content, opts.max ?? CANVAS_TEXT_LIMITS.text);
    if (!text) throw new CanvasBuildError('text component needs non-empty text');
    const c: TextComponent = { type: 'text', text };
    if (opts.id !== undefined) c.id = this.claim(opts.id);
    if (opts.style && opts.style !== 'paragraph') c.style = opts.style;
    if (opts.align && opts.align !== 'left') c.align = opts.align;
    this.components.push(c);
    return this;
  }

  header(content: string | Markdown): this {
    return this.text(content, { style: 'header' });
  }

  /** A button that sends a submit request with `component_id` = id. */
  submitButton(id: string, label: string, opts: ButtonOptions = {}): this {
    return this.button(id, label, { type: 'submit' }, opts);
  }

  /** A button that opens an http(s) URL in a new tab. */
  urlButton(id: string, label: string, url: string, opts: ButtonOptions = {}): this {
    return this.button(id, label, { type: 'url', url: safeUrl(url) }, opts);
  }

  private button(id: string, label: string, action: CanvasAction, opts: ButtonOptions): this {
    const l = truncate(cleanText(label), CANVAS_TEXT_LIMITS.label);
    if (!l) throw new CanvasBuildError(`button '${id}' needs a label`);
    const c: ButtonComponent = { type: 'button', id: this.claim(id), label: l, action };
    if (opts.style && opts.style !== 'primary') c.style = opts.style;
    if (opts.disabled) c.disabled = true;
    this.components.push(c);
    return this;
  }

  /** A dropdown of 2–10 options (`id` → shown text); `value` preselects one. */
  dropdown(id: string, label: string, options: Array<{ id: string; text: string }>, value?: string): this {
    if (options.length < 2 || options.length > 10) throw new CanvasBuildError(`dropdown '${id}' needs 2 to 10 options`);
    const c: DropdownComponent = {
      type: 'dropdown',
      id: this.claim(id),
      label: truncate(cleanText(label), CANVAS_TEXT_LIMITS.label),
      options: options.map((o) => ({ type: 'option', id: o.id, text: truncate(cleanText(o.text), CANVAS_TEXT_LIMITS.label) || o.id })),
    };
    if (value !== undefined && options.some((o) => o.id === value)) c.value = value;
    this.components.push(c);
    return this;
  }

  /** A one-line text input. */
  input(id: string, label: string, opts: { placeholder?: string; value?: string } = {}): this {
    const c: InputComponent = { type: 'input', id: this.claim(id), label: truncate(cleanText(label), CANVAS_TEXT_LIMITS.label) };
    if (opts.placeholder) c.placeholder = truncate(cleanText(opts.placeholder), CANVAS_TEXT_LIMITS.label);
    if (opts.value) c.value = truncate(cleanText(opts.value), CANVAS_TEXT_LIMITS.value);
    this.components.push(c);
    return this;
  }

  /** A list of items (title required; subtitle/tertiary text optional; optional URL action). Empty lists are skipped. */
  list(items: ListItemInput[], opts: ListOptions = {}): this {
    const all = items.map((it) => this.item(it));
    if (!all.length && !(opts.omitted && opts.omitted > 0)) return this;
    const component: ListComponent = { type: 'list', items: [] };
    // `opts.id` only reserves the name among the canvas's ids: a list component carries none in Canvas Kit
    if (opts.id !== undefined) this.claim(opts.id);
    const entry: PendingList = { component, all, opts, keep: all.length };
    const max = opts.maxItems ?? Number.POSITIVE_INFINITY;
    this.cut(entry, Math.min(max, all.length));
    this.lists.push(entry);
    this.components.push(component);
    return this;
  }

  /** A data table of field/value rows (both cleaned and trimmed; empty values shown as "—"). Empty tables are skipped. */
  dataTable(rows: Array<{ field: string; value: string | number | null | undefined }>, opts: { id?: string } = {}): this {
    const items: FieldValue[] = [];
    for (const r of rows) {
      const field = truncate(cleanText(r.field), CANVAS_TEXT_LIMITS.field);
      if (!field) throw new CanvasBuildError('data-table row needs a field name');
      const value = truncate(cleanText(r.value), CANVAS_TEXT_LIMITS.value) || '—';
      items.push({ type: 'field-value', field, value });
    }
    if (!items.length) return this;
    const c: DataTableComponent = { type: 'data-table', items };
    if (opts.id !== undefined) c.id = this.claim(opts.id);
    this.components.push(c);
    return this;
  }

  divider(): this {
    this.components.push({ type: 'divider' });
    return this;
  }

  spacer(size: SpacerSize = 's'): this {
    this.components.push(size === 's' ? { type: 'spacer' } : { type: 'spacer', size });
    return this;
  }

  /** An https image with its pixel size. */
  image(url: string, width: number, height: number, opts: { align?: ImageAlign; rounded?: boolean; id?: string } = {}): this {
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0))
      throw new CanvasBuildError('image needs positive integer width and height');
    const c: ImageComponent = { type: 'image', url: safeUrl(url, true), width, height };
    if (opts.id !== undefined) c.id = this.claim(opts.id);
    if (opts.align) c.align = opts.align;
    if (opts.rounded) c.rounded = true;
    this.components.push(c);
    return this;
  }

  /** Key/values sent back to us in the next request (`current_canvas.stored_data`); must stay ≤ 64 KB. */
  storedData(data: StoredData): this {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CanvasBuildError('stored_data must be an object');
    const copy = JSON.parse(JSON.stringify(data)) as StoredData;
    if (jsonBytes(copy) > CANVAS_LIMIT_BYTES) throw new CanvasBuildError('stored_data is over the 64 KB limit');
    this.stored = copy;
    return this;
  }

  /** The response; trims trimmable lists if the content would exceed 64 KB, throws if it still would. */
  build(): CanvasResponse {
    if (!this.components.length) throw new CanvasBuildError('a canvas needs at least one component');
    const content = { components: this.components.map((c) => ({ ...c })) as CanvasComponent[] };
    const canvas: Canvas = { content };
    if (this.stored !== undefined) canvas.stored_data = this.stored;
    if (jsonBytes(content) > CANVAS_LIMIT_BYTES) this.shrink(content);
    return { canvas: JSON.parse(JSON.stringify(canvas)) as Canvas };
  }

  // ---- internals

  private claim(id: string): string {
    const v = String(id ?? '');
    if (!v || v.length > CANVAS_TEXT_LIMITS.id || !ID_RE.test(v))
      throw new CanvasBuildError(`invalid component id ${JSON.stringify(id)} (1–${CANVAS_TEXT_LIMITS.id} of A-Z a-z 0-9 _ . : -)`);
    if (this.ids.has(v)) throw new CanvasBuildError(`duplicate component id '${v}'`);
    this.ids.add(v);
    return v;
  }

  private uniqueId(base: string): string {
    const b =
      String(base ?? '')
        .replace(/[^A-Za-z0-9_.:-]/g, '-')
        .slice(0, CANVAS_TEXT_LIMITS.id - 6) || 'item';
    if (!this.ids.has(b)) return this.claim(b);
    for (let n = 2; ; n++) {
      const cand = `${b}-${n}`;
      if (!this.ids.has(cand)) return this.claim(cand);
    }
  }

  private item(it: ListItemInput): ListItem {
    const title = truncate(cleanText(it.title), CANVAS_TEXT_LIMITS.title);
    if (!title) throw new CanvasBuildError(`list item '${it.id}' needs a title`);
    const out: ListItem = { type: 'item', id: this.uniqueId(it.id), title };
    const sub = truncate(cleanText(it.subtitle), CANVAS_TEXT_LIMITS.subtitle);
    if (sub) out.subtitle = sub;
    const ter = truncate(cleanText(it.tertiaryText), CANVAS_TEXT_LIMITS.subtitle);
    if (ter) out.tertiary_text = ter;
    if (it.url) out.action = { type: 'url', url: safeUrl(it.url) };
    return out;
  }

  /** Shows the first `keep` items of a list plus, when some are hidden, an "and N more" item. */
  private cut(entry: PendingList, keep: number): void {
    entry.keep = keep;
    const hidden = entry.all.length - keep + Math.max(0, Math.floor(entry.opts.omitted ?? 0));
    const items = entry.all.slice(0, keep);
    if (hidden > 0) {
      const more: ListItem = {
        type: 'item',
        id: this.moreId(entry),
        title:
          truncate(cleanText(entry.opts.moreLabel ? entry.opts.moreLabel(hidden) : `and ${hidden} more`), CANVAS_TEXT_LIMITS.title) || `and ${hidden} more`,
      };
      if (entry.opts.moreUrl) more.action = { type: 'url', url: safeUrl(entry.opts.moreUrl) };
      items.push(more);
    }
    entry.component.items = items;
  }

  private readonly moreIds = new Map<PendingList, string>();
  private moreId(entry: PendingList): string {
    let id = this.moreIds.get(entry);
    if (!id) {
      id = this.uniqueId(`${entry.opts.id ?? 'list'}-more`);
      this.moreIds.set(entry, id);
    }
    return id;
  }

  private shrink(content: { components: CanvasComponent[] }): void {
    const trimmable = this.lists.filter((l) => l.opts.trimmable !== false).sort((a, b) => jsonBytes(b.component) - jsonBytes(a.component));
    const fits = () => jsonBytes(content) <= CANVAS_LIMIT_BYTES;
    for (const entry of trimmable) {
      const idx = this.components.indexOf(entry.component);
      // binary search the largest number of items (≥ 0) that fits
      let lo = 0;
      let hi = entry.keep;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        this.cut(entry, mid);
        content.components[idx] = { ...entry.component };
        if (fits()) lo = mid;
        else hi = mid - 1;
      }
      this.cut(entry, lo);
      content.components[idx] = { ...entry.component };
      if (fits()) return;
    }
    throw new CanvasBuildError(`canvas content is ${jsonBytes(content)} bytes, over the 64 KB limit, and cannot be trimmed further`);
  }
}
