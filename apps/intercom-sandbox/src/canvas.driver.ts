/**
 * Canvas Kit driver (reference §5.3–§5.7): sends Inbox initialize/submit requests signed with
 * `X-Body-Signature` (hex HMAC-SHA256 of the raw body, key = client_secret) and validates the app's answer.
 */
import { bodySignature } from './signing.util';

export interface CanvasCallResult {
  url: string;
  status: number | 'timeout' | 'error';
  /** parsed JSON, or null */
  body: unknown;
  rawBody: string;
  /** what Intercom would reject or ignore in the answer (empty = valid) */
  errors: string[];
  durationMs: number;
  request: Record<string, unknown>;
}

export const CANVAS_LIMIT_BYTES = 64 * 1024;

const TEXT_STYLES = ['header', 'paragraph', 'muted', 'error'];
const ALIGNS = ['left', 'center', 'right'];
const BUTTON_STYLES = ['primary', 'secondary', 'link'];
const SAVE_STATES = ['unsaved', 'saved', 'failed'];
const SPACER_SIZES = ['xs', 's', 'm', 'l', 'xl'];
const IMAGE_ALIGNS = ['left', 'center', 'right', 'full_width'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function checkAction(where: string, a: unknown, errors: string[], urlOnly = false): void {
  if (!isObj(a)) return void errors.push(`${where}: action must be an object`);
  if (a.type === 'submit' && !urlOnly) return;
  if (a.type === 'url') {
    if (!isStr(a.url)) errors.push(`${where}: url action needs a 'url'`);
    return;
  }
  if (a.type === 'sheet') return void errors.push(`${where}: 'sheet' actions are Messenger only, not shown in the Inbox`);
  errors.push(`${where}: unknown action type ${JSON.stringify(a.type)}${urlOnly ? " (only 'url' allowed here)" : ''}`);
}

function checkEnum(where: string, c: Obj, field: string, values: string[], errors: string[]): void {
  if (c[field] !== undefined && !values.includes(c[field] as string)) {
    errors.push(`${where}: ${field} must be one of ${values.join('|')}, got ${JSON.stringify(c[field])}`);
  }
}

function checkOptions(where: string, opts: unknown, min: number, max: number, errors: string[]): void {
  if (!Array.isArray(opts)) return void errors.push(`${where}: options must be an array`);
  if (opts.length < min || opts.length > max) errors.push(`${where}: needs ${min}–${max} options, got ${opts.length}`);
  opts.forEach((o, i) => {
    if (!isObj(o) || o.type !== 'option' || !isStr(o.id) || !isStr(o.text)) {
      errors.push(`${where}.options[${i}]: must be {type:'option', id, text}`);
    }
  });
}

/** The fields each component (and list item) has in the reference's table (§5.6); anything else is not Canvas Kit. */
const FIELDS: Record<string, string[]> = {
  text: ['id', 'text', 'align', 'style', 'bottom_margin'],
  button: ['id', 'label', 'action', 'style', 'disabled'],
  input: ['id', 'label', 'placeholder', 'value', 'action', 'save_state', 'disabled'],
  textarea: ['id', 'label', 'placeholder', 'value', 'error', 'disabled'],
  'single-select': ['id', 'options', 'label', 'value', 'save_state', 'disabled', 'action'],
  dropdown: ['id', 'options', 'label', 'value', 'save_state', 'disabled'],
  checkbox: ['id', 'option', 'options', 'label', 'value', 'save_state', 'disabled'],
  list: ['items', 'disabled'],
  'data-table': ['items'],
  divider: ['id', 'bottom_margin'],
  spacer: ['id', 'size'],
  image: ['url', 'width', 'height', 'id', 'align', 'rounded', 'bottom_margin', 'action'],
};
const ITEM_FIELDS = ['type', 'id', 'title', 'subtitle', 'tertiary_text', 'image', 'image_width', 'image_height', 'rounded_image', 'disabled', 'action'];

function checkFields(where: string, o: Obj, allowed: string[], errors: string[]): void {
  for (const k of Object.keys(o)) if (k !== 'type' && !allowed.includes(k)) errors.push(`${where}: '${k}' is not a field of this component in Canvas Kit`);
}

export function validateComponent(c: unknown, where: string, errors: string[]): void {
  if (!isObj(c)) return void errors.push(`${where}: component must be an object`);
  const w = `${where} (${String(c.type)})`;
  if (typeof c.type === 'string' && FIELDS[c.type]) checkFields(w, c, FIELDS[c.type], errors);
  const need = (...fields: string[]) => {
    for (const f of fields) if (c[f] === undefined || c[f] === null || c[f] === '') errors.push(`${w}: missing required field '${f}'`);
  };
  switch (c.type) {
    case 'text':
      need('text');
      if (c.text !== undefined && typeof c.text !== 'string') errors.push(`${w}: text must be a string`);
      checkEnum(w, c, 'align', ALIGNS, errors);
      checkEnum(w, c, 'style', TEXT_STYLES, errors);
      if (c.bottom_margin !== undefined && c.bottom_margin !== 'none') errors.push(`${w}: bottom_margin can only be 'none'`);
      break;
    case 'button':
      need('id', 'label', 'action');
      checkEnum(w, c, 'style', BUTTON_STYLES, errors);
      if (c.action !== undefined) checkAction(w, c.action, errors);
      break;
    case 'input':
      need('id');
      checkEnum(w, c, 'save_state', SAVE_STATES, errors);
      if (c.action !== undefined) checkAction(w, c.action, errors);
      break;
    case 'textarea':
      need('id');
      if (c.error !== undefined && typeof c.error !== 'boolean') errors.push(`${w}: error must be a boolean`);
      break;
    case 'single-select':
      need('id', 'options');
      if (c.options !== undefined) checkOptions(w, c.options, 2, 10, errors);
      checkEnum(w, c, 'save_state', SAVE_STATES, errors);
      if (c.action !== undefined) checkAction(w, c.action, errors);
      break;
    case 'dropdown':
      need('id', 'options');
      if (c.options !== undefined) checkOptions(w, c.options, 2, 10, errors);
      checkEnum(w, c, 'save_state', SAVE_STATES, errors);
      break;
    case 'checkbox': {
      need('id');
      // the reference spells it `option`, the Inbox tutorial `options` (UNCERTAIN): accept either
      const opts = c.option ?? c.options;
      if (opts === undefined) errors.push(`${w}: missing required field 'option'`);
      else checkOptions(w, opts, 1, Number.MAX_SAFE_INTEGER, errors);
      checkEnum(w, c, 'save_state', SAVE_STATES, errors);
      break;
    }
    case 'list':
      need('items');
      if (c.items !== undefined && !Array.isArray(c.items)) errors.push(`${w}: items must be an array`);
      if (Array.isArray(c.items)) {
        c.items.forEach((it, i) => {
          if (!isObj(it) || it.type !== 'item' || !isStr(it.id) || !isStr(it.title)) errors.push(`${w}.items[${i}]: must be {type:'item', id, title}`);
          else {
            checkFields(`${w}.items[${i}]`, it, ITEM_FIELDS, errors);
            if (it.action !== undefined) checkAction(`${w}.items[${i}]`, it.action, errors);
          }
        });
      }
      break;
    case 'data-table':
      need('items');
      if (c.items !== undefined && !Array.isArray(c.items)) errors.push(`${w}: items must be an array`);
      if (Array.isArray(c.items)) {
        c.items.forEach((it, i) => {
          if (!isObj(it) || it.type !== 'field-value' || !isStr(it.field) || typeof it.value !== 'string') {
            errors.push(`${w}.items[${i}]: must be {type:'field-value', field, value (string)}`);
          }
        });
      }
      break;
    case 'divider':
      break;
    case 'spacer':
      checkEnum(w, c, 'size', SPACER_SIZES, errors);
      break;
    case 'image':
      need('url', 'width', 'height');
      checkEnum(w, c, 'align', IMAGE_ALIGNS, errors);
      if (c.action !== undefined) checkAction(w, c.action, errors, true);
      break;
    default:
      errors.push(`${where}: unknown component type ${JSON.stringify(c.type)}`);
  }
}

/** Validate an initialize/submit answer (reference §5.5, §5.6). */
export function validateCanvasResponse(body: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(body)) return ['response is not a JSON object'];
  if (!isObj(body.canvas)) return ["response has no 'canvas' object"];
  const canvas = body.canvas;
  if (canvas.content_url !== undefined) errors.push('canvas.content_url (live canvas) is Messenger only');
  if (!isObj(canvas.content)) errors.push("canvas.content is required (an object with 'components')");
  else {
    const comps = canvas.content.components;
    if (!Array.isArray(comps)) errors.push('canvas.content.components must be an array');
    else {
      comps.forEach((c, i) => validateComponent(c, `components[${i}]`, errors));
      const ids = comps
        .filter(isObj)
        .map((c) => c.id)
        .filter((id) => id !== undefined);
      const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (dup.length) errors.push(`duplicate component ids: ${[...new Set(dup)].join(', ')}`);
    }
    const size = Buffer.byteLength(JSON.stringify(canvas.content));
    if (size > CANVAS_LIMIT_BYTES) errors.push(`canvas.content is ${size} bytes, over the 64 KB limit`);
  }
  if (canvas.stored_data !== undefined) {
    if (!isObj(canvas.stored_data)) errors.push('canvas.stored_data must be an object');
    else {
      const size = Buffer.byteLength(JSON.stringify(canvas.stored_data));
      if (size > CANVAS_LIMIT_BYTES) errors.push(`canvas.stored_data is ${size} bytes, over the 64 KB limit`);
    }
  }
  if (body.event !== undefined && !(isObj(body.event) && body.event.type === 'completed')) {
    errors.push("event must be {type: 'completed'}");
  }
  return errors;
}

/** Finds a component by id (for submit: only components with a submit action send a submit). */
export function findSubmitComponent(canvas: unknown, componentId: string): 'ok' | 'missing' | 'not_submit' {
  const comps = isObj(canvas) && isObj(canvas.content) && Array.isArray(canvas.content.components) ? canvas.content.components : [];
  for (const c of comps) {
    if (!isObj(c)) continue;
    if (c.id === componentId) return isObj(c.action) && c.action.type === 'submit' ? 'ok' : 'not_submit';
    if (c.type === 'list' && Array.isArray(c.items)) {
      for (const it of c.items) if (isObj(it) && it.id === componentId) return isObj(it.action) && it.action.type === 'submit' ? 'ok' : 'not_submit';
    }
  }
  return 'missing';
}

/** Values Intercom would send for every interactive component on the canvas, overridden by `given`. */
export function collectInputValues(canvas: unknown, given: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const comps = isObj(canvas) && isObj(canvas.content) && Array.isArray(canvas.content.components) ? canvas.content.components : [];
  for (const c of comps) {
    if (!isObj(c) || !isStr(c.id)) continue;
    if (c.type === 'input' || c.type === 'textarea') out[c.id] = typeof c.value === 'string' ? c.value : '';
    else if (c.type === 'single-select' || c.type === 'dropdown') out[c.id] = c.value ?? null;
    else if (c.type === 'checkbox') out[c.id] = Array.isArray(c.value) ? c.value : [];
  }
  return { ...out, ...given };
}

export async function postCanvas(url: string, secret: string, request: Record<string, unknown>, timeoutMs: number): Promise<CanvasCallResult> {
  const raw = JSON.stringify(request);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      body: raw,
      signal: ctrl.signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': 'intercom-parrot-service-client/1.0',
        'X-Body-Signature': bodySignature(secret, raw),
      },
    });
    const rawBody = await res.text();
    let body: unknown = null;
    const errors: string[] = [];
    try {
      body = JSON.parse(rawBody);
    } catch {
      errors.push('response is not JSON');
    }
    if (res.status !== 200) errors.unshift(`HTTP ${res.status} (Intercom expects 200 with a canvas)`);
    if (body !== null) errors.push(...validateCanvasResponse(body));
    return { url, status: res.status, body, rawBody, errors, durationMs: Date.now() - started, request };
  } catch (e) {
    const status = ctrl.signal.aborted ? 'timeout' : 'error';
    return {
      url,
      status,
      body: null,
      rawBody: '',
      errors: [`request failed: ${status === 'timeout' ? `no answer within ${timeoutMs} ms` : (e as Error).message}`],
      durationMs: Date.now() - started,
      request,
    };
  } finally {
    clearTimeout(timer);
  }
}
