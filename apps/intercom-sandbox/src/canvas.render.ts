/**
 * Renders a Canvas Kit canvas (reference §5.6) as HTML for the sandbox inbox, like the Inbox sidebar would.
 * Everything is HTML-escaped; text components get Canvas Kit's Markdown subset only (`**bold**`/`*bold*`,
 * `[link](url)` with http(s) URLs; nothing else is documented, so a backslash is shown as it is). Submit actions become buttons of one form that posts
 * `component_id` and the interactive components' values (`iv:<id>`) to a sandbox route.
 */
import { escapeHtml as e } from './html.util';
import type { CanvasCallResult } from './canvas.driver';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export const CANVAS_STYLE = `
.ck-panel{border:1px solid #c9cfe0;border-radius:8px;background:#fbfcff;padding:12px 14px;margin:12px 0;max-width:380px}
.ck-meta{font-size:12px;color:#6b7280;margin-bottom:6px}
.ck-errors{border:2px solid #d33;background:#fde8e8;color:#8a1111;border-radius:6px;padding:6px 10px;margin:6px 0;font-size:13px}
.ck-errors ul{margin:4px 0;padding-left:18px}
.ck-text{margin:4px 0}.ck-header{font-weight:700;font-size:16px}.ck-muted{color:#6b7280;font-size:13px}.ck-error{color:#c0262d}
.ck-center{text-align:center}.ck-right{text-align:right}
.ck-button{display:block;width:100%;margin:6px 0}.ck-button.secondary{background:#e5e7eb;color:#1f2430}
.ck-button.link{background:none;color:#334bfa;text-decoration:underline;padding:0;text-align:left}
.ck-list{list-style:none;margin:6px 0;padding:0}.ck-list li{border-bottom:1px solid #eceef3;padding:4px 0}
.ck-list .ck-sub,.ck-list .ck-ter{display:block;font-size:12px;color:#6b7280}
.ck-table td{font-size:13px}.ck-spacer-xs{height:4px}.ck-spacer-s{height:8px}.ck-spacer-m{height:16px}.ck-spacer-l{height:24px}.ck-spacer-xl{height:32px}
.ck-unknown{border:1px dashed #d33;color:#8a1111;font-size:12px;padding:4px}
`;

function safeHref(url: unknown, httpsOnly = false): string | null {
  try {
    const u = new URL(str(url));
    return u.protocol === 'https:' || (!httpsOnly && u.protocol === 'http:') ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Canvas Kit Markdown subset → HTML (escaped). Unrecognised syntax is shown literally. */
export function renderMarkdown(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    const rest = src.slice(i);
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^()\s]*)\)/.exec(rest);
      if (m) {
        const href = safeHref(m[2]);
        const label = renderMarkdown(m[1]);
        out += href ? `<a href="${e(href)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
        i += m[0].length;
        continue;
      }
    }
    if (ch === '*') {
      const m = /^(\*\*|\*)([^*]+?)\1/.exec(rest);
      if (m) {
        out += `<strong>${renderMarkdown(m[2])}</strong>`;
        i += m[0].length;
        continue;
      }
    }
    out += e(ch);
    i++;
  }
  return out;
}

function options(c: Obj): Obj[] {
  const o = c.options ?? c.option;
  return Array.isArray(o) ? o.filter(isObj) : [];
}

function submitButton(id: string, label: string, cls: string, disabled: boolean): string {
  return `<button type="submit" class="ck-button ${e(cls)}" name="component_id" value="${e(id)}" data-component-id="${e(id)}"${disabled ? ' disabled' : ''}>${e(label)}</button>`;
}

function renderComponent(c: unknown): string {
  if (!isObj(c)) return `<div class="ck-unknown">not a component</div>`;
  const id = str(c.id);
  const disabled = c.disabled === true;
  const action = isObj(c.action) ? c.action : null;
  switch (c.type) {
    case 'text': {
      const style = ['header', 'muted', 'error'].includes(str(c.style)) ? ` ck-${str(c.style)}` : '';
      const align = ['center', 'right'].includes(str(c.align)) ? ` ck-${str(c.align)}` : '';
      return `<div class="ck-text${style}${align}" data-type="text">${renderMarkdown(str(c.text))}</div>`;
    }
    case 'button': {
      const cls = ['secondary', 'link'].includes(str(c.style)) ? str(c.style) : 'primary';
      if (action?.type === 'url') {
        const href = safeHref(action.url);
        return href
          ? `<a class="ck-button ${e(cls)}" data-component-id="${e(id)}" href="${e(href)}" target="_blank" rel="noopener noreferrer">${e(str(c.label))}</a>`
          : `<div class="ck-unknown">button ${e(id)}: unusable URL</div>`;
      }
      return submitButton(id, str(c.label), cls, disabled);
    }
    case 'list': {
      const items = Array.isArray(c.items) ? c.items.filter(isObj) : [];
      const li = items.map((it) => {
        const extra = `${it.subtitle ? `<span class="ck-sub">${e(str(it.subtitle))}</span>` : ''}${it.tertiary_text ? `<span class="ck-ter">${e(str(it.tertiary_text))}</span>` : ''}`;
        const body = `<span class="ck-title">${e(str(it.title))}</span>${extra}`;
        const a = isObj(it.action) ? it.action : null;
        const href = a?.type === 'url' ? safeHref(a.url) : null;
        if (href) return `<li data-item-id="${e(str(it.id))}"><a href="${e(href)}" target="_blank" rel="noopener noreferrer">${body}</a></li>`;
        if (a?.type === 'submit')
          return `<li data-item-id="${e(str(it.id))}">${submitButton(str(it.id), str(it.title), 'link', it.disabled === true || disabled)}${extra}</li>`;
        return `<li data-item-id="${e(str(it.id))}">${body}</li>`;
      });
      return `<ul class="ck-list" data-type="list">${li.join('')}</ul>`;
    }
    case 'data-table': {
      const rows = (Array.isArray(c.items) ? c.items.filter(isObj) : []).map((r) => `<tr><td>${e(str(r.field))}</td><td>${e(str(r.value))}</td></tr>`);
      return `<table class="ck-table" data-type="data-table">${rows.join('')}</table>`;
    }
    case 'divider':
      return '<hr data-type="divider">';
    case 'spacer':
      return `<div class="ck-spacer-${e(['xs', 's', 'm', 'l', 'xl'].includes(str(c.size)) ? str(c.size) : 's')}" data-type="spacer"></div>`;
    case 'image': {
      const src = safeHref(c.url);
      return src
        ? `<img data-type="image" src="${e(src)}" width="${e(Number(c.width) || '')}" height="${e(Number(c.height) || '')}" alt="">`
        : '<div class="ck-unknown">image: unusable URL</div>';
    }
    case 'input':
      return `<label>${e(str(c.label))}</label><input name="iv:${e(id)}" value="${e(str(c.value))}" placeholder="${e(str(c.placeholder))}"${disabled ? ' disabled' : ''}>${action?.type === 'submit' ? submitButton(id, '→', 'secondary', disabled) : ''}`;
    case 'textarea':
      return `<label>${e(str(c.label))}</label><textarea name="iv:${e(id)}" placeholder="${e(str(c.placeholder))}"${disabled ? ' disabled' : ''}>${e(str(c.value))}</textarea>`;
    case 'single-select':
    case 'dropdown': {
      const opts = options(c).map(
        (o) => `<option value="${e(str(o.id))}"${o.id === c.value ? ' selected' : ''}${o.disabled === true ? ' disabled' : ''}>${e(str(o.text))}</option>`,
      );
      return `<label>${e(str(c.label))}</label><select name="iv:${e(id)}"${disabled ? ' disabled' : ''}>${opts.join('')}</select>${c.type === 'single-select' && action?.type === 'submit' ? submitButton(id, 'Apply', 'secondary', disabled) : ''}`;
    }
    case 'checkbox': {
      const values = Array.isArray(c.value) ? c.value : [];
      const boxes = options(c).map(
        (o) => `<label><input type="checkbox" name="iv:${e(id)}" value="${e(str(o.id))}"${values.includes(o.id) ? ' checked' : ''}> ${e(str(o.text))}</label>`,
      );
      return `<fieldset><legend>${e(str(c.label))}</legend>${boxes.join('')}</fieldset>`;
    }
    default:
      return `<div class="ck-unknown">unsupported component type ${e(JSON.stringify(c.type) ?? 'undefined')}</div>`;
  }
}

/** The inner HTML of a canvas (components only). */
export function renderCanvas(canvas: unknown): string {
  const comps = isObj(canvas) && isObj(canvas.content) && Array.isArray(canvas.content.components) ? canvas.content.components : [];
  return comps.map(renderComponent).join('\n');
}

export interface PanelRenderOptions {
  /** where the panel form posts (sandbox route that calls the app's submit endpoint) */
  action: string;
  adminId: string;
  /** extra hidden fields */
  hidden?: Record<string, string>;
}

/** A sidebar panel from a driver result: meta line, red box with the driver's validation errors, the canvas. */
export function renderPanel(result: Pick<CanvasCallResult, 'status' | 'errors' | 'body' | 'durationMs'> & { kind?: string }, opts: PanelRenderOptions): string {
  const canvas = isObj(result.body) ? result.body.canvas : undefined;
  const errors = result.errors.length
    ? `<div class="ck-errors" data-canvas-errors="${result.errors.length}"><strong>Canvas problems (Intercom would reject or ignore this)</strong><ul>${result.errors.map((x) => `<li>${e(x)}</li>`).join('')}</ul></div>`
    : '';
  const hidden = Object.entries({ admin_id: opts.adminId, ...(opts.hidden ?? {}) })
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
  const stored = isObj(canvas) && canvas.stored_data !== undefined ? ` · stored_data ${e(JSON.stringify(canvas.stored_data))}` : '';
  const body = isObj(canvas) ? `<form method="post" action="${e(opts.action)}" class="ck-form">${hidden}${renderCanvas(canvas)}</form>` : '';
  return `<div class="ck-panel" data-canvas-status="${e(String(result.status))}"><div class="ck-meta">App panel · ${e(result.kind ?? 'canvas')} · ${e(String(result.status))} · ${e(result.durationMs)} ms${stored}</div>${errors}${body}</div>`;
}
