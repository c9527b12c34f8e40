/** Server-rendered HTML pages of the sandbox: consent, inbox, composer. All user text is escaped. */
import { escapeHtml as e, htmlToText } from './html.util';
import type { Conversation, SandboxStore, Workspace } from './sandbox.store';
import { CANVAS_STYLE } from './canvas.render';

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1f2430}
header{background:#1f2430;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center}
header a{color:#cfd6ff;text-decoration:none} main{max-width:1040px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px 20px;margin-bottom:16px}
.muted{color:#6b7280;font-size:13px} .badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;margin-right:6px}
.user{background:#e8f0ff}.comment{background:#e6f6ec}.note{background:#fff4d6}.app{background:#f1e6ff}
.part{border-left:3px solid #dde1e8;padding:6px 12px;margin:8px 0;white-space:pre-wrap}
.part.note{border-color:#f0c040}.part.comment{border-color:#3bb273}.part.user{border-color:#4f7cff}
table{border-collapse:collapse}td,th{border:1px solid #dde1e8;padding:4px 8px;text-align:left;font-size:14px}
label{display:block;margin:8px 0 4px;font-weight:600} input,textarea,select{width:100%;box-sizing:border-box;padding:8px;font:inherit}
button{padding:8px 16px;border-radius:6px;border:0;background:#334bfa;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#e5e7eb;color:#1f2430} .row{display:flex;gap:8px;align-items:end}.row>*{flex:1}
`;

/**
 * Live updates (inbox and conversation pages): the page listens to GET /inbox/events (server-sent events) and, for
 * each changed conversation, fetches its card (GET /inbox/conversations/:id/card) and swaps it in, keeping what the
 * teammate was typing; a new conversation's card is added to its workspace's section. Updates are applied one at a
 * time, in order. `body[data-live-updates]` counts the cards swapped in. Served as /inbox/live.js (no inline script).
 */
export const LIVE_SCRIPT = `(() => {
  const admin = document.body.dataset.admin || '';
  let chain = Promise.resolve();
  const apply = async (change) => {
    const old = document.getElementById('conv-' + change.id);
    const section = old ? null : document.querySelector('section[data-workspace="' + CSS.escape(change.workspace) + '"]');
    if (!old && !section) return;
    const r = await fetch('/inbox/conversations/' + encodeURIComponent(change.id) + '/card' + (admin ? '?admin=' + encodeURIComponent(admin) : ''));
    if (!r.ok) return;
    const t = document.createElement('template');
    t.innerHTML = (await r.text()).trim();
    const card = t.content.firstElementChild;
    if (!card) return;
    const current = document.getElementById('conv-' + change.id);
    if (current) {
      const key = (el) => (el.form ? el.form.getAttribute('action') : '') + '|' + el.name;
      const typed = new Map();
      for (const el of current.querySelectorAll('input[name], textarea[name], select[name]')) if (el.value) typed.set(key(el), el.value);
      for (const el of card.querySelectorAll('input[name], textarea[name], select[name]')) if (typed.has(key(el))) el.value = typed.get(key(el));
      current.replaceWith(card);
    } else {
      const empty = section.querySelector('.empty');
      if (empty) empty.remove();
      section.querySelector('h2').after(card);
    }
    document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates || 0) + 1);
  };
  const events = new EventSource('/inbox/events');
  events.addEventListener('conversation', (ev) => {
    let change;
    try { change = JSON.parse(ev.data); } catch { return; }
    chain = chain.then(() => apply(change)).catch(() => undefined);
  });
})();`;

export function layout(title: string, body: string, live?: { admin?: string }): string {
  const attrs = live ? ` data-live="on"${live.admin ? ` data-admin="${e(live.admin)}"` : ''}` : '';
  const script = live ? '<script src="/inbox/live.js" defer></script>' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}${CANVAS_STYLE}</style></head>
<body${attrs}><header><strong>Intercom sandbox</strong><a href="/">Inbox</a><a href="/composer">Customer composer</a></header><main>${body}</main>${script}</body></html>`;
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<div class="card"><h1>${e(title)}</h1><p>${e(message)}</p></div>`);
}

export const PERMISSIONS = [
  'Read conversations',
  'Write conversations',
  'Read admins',
  'Read one admin',
  'Read and list users and companies',
  'Read data when entered into the app',
  'Write data attributes',
];

export function consentPage(p: { appName: string; workspaces: Workspace[]; hidden: Record<string, string> }): string {
  const hidden = Object.entries(p.hidden)
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
  const wsOptions = p.workspaces.map((w) => `<option value="${e(w.id_code)}">${e(w.name)} (${e(w.id_code)}, ${e(w.region)})</option>`).join('');
  const adminOptions = p.workspaces
    .flatMap((w) => w.admins.map((a) => `<option value="${e(w.id_code)}:${e(a.id)}">${e(a.name)} &lt;${e(a.email)}&gt; — ${e(w.name)}</option>`))
    .join('');
  return layout(
    `Authorize ${p.appName}`,
    `<div class="card" style="max-width:560px;margin:auto">
<h1>${e(p.appName)} wants to access your workspace</h1>
<form method="post" action="/oauth/decision">${hidden}
<label for="workspace">Workspace</label><select id="workspace" name="workspace">${wsOptions}</select>
<label for="admin">Signed in as</label><select id="admin" name="admin">${adminOptions}</select>
<p>This app will be able to:</p><ul>${PERMISSIONS.map((x) => `<li>${e(x)}</li>`).join('')}</ul>
<div class="row"><button type="submit" name="decision" value="authorize">Authorize app</button>
<button type="submit" class="secondary" name="decision" value="cancel">Cancel</button></div>
</form></div>`,
  );
}

const fmt = (sec: number) => new Date(sec * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/** One conversation's card (also served alone, for live updates). */
export function conversationCard(store: SandboxStore, ws: Workspace, c: Conversation, panelHtml = ''): string {
  const attrs = Object.entries(c.custom_attributes);
  const attrTable = attrs.length
    ? `<table><tr><th>Attribute</th><th>Value</th></tr>${attrs.map(([k, v]) => `<tr><td>${e(k)}</td><td>${e(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`).join('')}</table>`
    : '<p class="muted">No custom attributes.</p>';
  const parts = c.parts
    .map((p) => {
      const kind = p.author.type === 'user' ? 'user' : p.part_type;
      const label = kind === 'user' ? 'Customer' : p.part_type === 'note' ? 'Note' : p.part_type === 'comment' ? 'Reply' : p.part_type;
      const app = p.app_package_code ? `<span class="badge app">via app ${e(p.app_package_code)}</span>` : '';
      return `<div class="part ${e(kind)}" data-part-id="${e(p.id)}" data-part-type="${e(p.part_type)}"><div class="muted"><span class="badge ${e(kind)}">${e(label)}</span>${app}${e(p.author.name ?? '')} · ${e(fmt(p.created_at))}</div>${e(htmlToText(p.body))}</div>`;
    })
    .join('');
  const adminOptions = ws.admins.map((a) => `<option value="${e(a.id)}">${e(a.name)}</option>`).join('');
  return `<div class="card" id="conv-${e(c.id)}" data-conversation-id="${e(c.id)}" data-workspace="${e(ws.id_code)}">
<h3>${e(c.subject || '(no subject)')} <span class="muted">#${e(c.id)} · ${e(c.state)}</span> <a class="muted" href="/conversations/${e(c.id)}/view">open with app panel</a></h3>
<div class="muted">${e(c.contact.name)} &lt;${e(c.contact.email)}&gt; · ${e(fmt(c.created_at))}</div>
<div class="part user"><div class="muted"><span class="badge user">Customer</span>${e(c.contact.name)}</div>${e(htmlToText(c.sourceBody))}</div>
${parts}
<h4>Conversation attributes</h4>${attrTable}
<div class="canvas-panel" data-canvas-for="${e(c.id)}">${panelHtml}</div>
<form method="post" action="/inbox/conversations/${e(c.id)}/admin-reply" class="row">
<div><label>Teammate</label><select name="admin_id">${adminOptions}</select></div>
<div><label>Type</label><select name="message_type"><option value="note">Note</option><option value="comment">Reply</option></select></div>
<div style="flex:3"><label>Message</label><input name="body" required></div><div style="flex:0"><button>Send</button></div></form>
<form method="post" action="/inbox/conversations/${e(c.id)}/customer-reply" class="row">
<div style="flex:5"><label>Customer reply</label><input name="body" required></div><div style="flex:0"><button class="secondary">Reply as customer</button></div></form>
</div>`;
}

/** `panels`: rendered Canvas Kit panels by conversation id (when the app's initialize URL is configured). */
export function inboxPage(store: SandboxStore, tokenStatus: (wsId: string) => string, panels: Map<string, string> = new Map()): string {
  const sections = [...store.workspaces.values()]
    .map((ws) => {
      const convs = store.listConversations(ws.id_code).sort((a, b) => Number(b.id) - Number(a.id));
      return `<section data-workspace="${e(ws.id_code)}"><h2>${e(ws.name)} <span class="muted">${e(ws.id_code)} · ${e(ws.region)} · ${e(ws.timezone)} · app ${e(tokenStatus(ws.id_code))}</span></h2>
${convs.length ? convs.map((c) => conversationCard(store, ws, c, panels.get(c.id))).join('') : '<p class="muted empty">No conversations yet — use the <a href="/composer">composer</a>.</p>'}</section>`;
    })
    .join('');
  return layout('Inbox — Intercom sandbox', sections, {});
}

/** One conversation with the app's sidebar panel (GET /conversations/:id/view). */
export function conversationViewPage(store: SandboxStore, ws: Workspace, c: Conversation, adminId: string, panelHtml: string): string {
  const admins = ws.admins.map((a) => `<option value="${e(a.id)}"${a.id === adminId ? ' selected' : ''}>${e(a.name)}</option>`).join('');
  const picker = `<form method="get" action="/conversations/${e(c.id)}/view" class="row" style="max-width:420px"><div><label>Viewing as teammate</label><select name="admin">${admins}</select></div><div style="flex:0"><button class="secondary">Reload panel</button></div></form>`;
  return layout(`#${c.id} — Intercom sandbox`, `<p><a href="/">← Inbox</a></p>${picker}${conversationCard(store, ws, c, panelHtml)}`, { admin: adminId });
}

export function composerPage(store: SandboxStore): string {
  const ws = [...store.workspaces.values()].map((w) => `<option value="${e(w.id_code)}">${e(w.name)}</option>`).join('');
  return layout(
    'Customer composer — Intercom sandbox',
    `<div class="card" style="max-width:640px;margin:auto"><h1>Start a conversation</h1>
<form method="post" action="/composer">
<label for="workspace">Workspace</label><select id="workspace" name="workspace">${ws}</select>
<label for="name">Your name</label><input id="name" name="name" required>
<label for="email">Email</label><input id="email" name="email" type="email" required>
<label for="subject">Subject</label><input id="subject" name="subject">
<label for="message">Message</label><textarea id="message" name="message" rows="6" required></textarea>
<p><button type="submit">Send</button></p></form></div>`,
  );
}
