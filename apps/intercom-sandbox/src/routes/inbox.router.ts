/**
 * The pages a person uses: the inbox (with the app's Canvas Kit panel per conversation), one conversation with its
 * panel, the customer composer, replies and notes as a teammate or a customer, and the inbox's live updates
 * (server-sent events; the pages swap changed conversation cards in without a reload).
 */
import express from 'express';
import type { Request, Response } from 'express';
import type { CanvasCallResult } from '../canvas.driver';
import { renderPanel } from '../canvas.render';
import { str } from '../http.util';
import { composerPage, conversationCard, conversationViewPage, errorPage, inboxPage, LIVE_SCRIPT } from '../pages.render';
import type { PanelResult, SandboxCore } from '../sandbox.core';
import type { Conversation } from '../sandbox.store';
import type { Json } from '../sandbox.types';

/** newest conversations of the inbox that get their panel rendered inline (one initialize each) */
const INBOX_PANELS = 20;
/** a comment line on idle event streams, so proxies keep them open */
const KEEP_ALIVE_MS = 15_000;

const panelAction = (convId: string) => `/inbox/conversations/${encodeURIComponent(convId)}/canvas/submit`;

function failedCall(e: unknown, kind: string, request: Json = {}): PanelResult {
  return {
    url: '',
    status: 'error',
    body: null,
    rawBody: '',
    errors: [`sandbox could not send the ${kind} request: ${(e as Error)?.message ?? String(e)}`],
    durationMs: 0,
    request,
    kind,
  };
}

export function inboxRouter(core: SandboxCore): express.Router {
  const r = express.Router();
  const { store, opts } = core;

  /** calls the app's initialize endpoint and renders the panel (empty string when no initialize URL is configured) */
  async function initializePanel(conv: Conversation, adminId: string): Promise<string> {
    if (!opts.canvasInitializeUrl) return '';
    let result: PanelResult;
    try {
      result = { ...(await core.canvasInitialize({ conversationId: conv.id, adminId })), kind: 'initialize' };
    } catch (e) {
      result = failedCall(e, 'initialize');
    }
    core.lastPanels.set(`${conv.id}:${adminId}`, result);
    return renderPanel(result, { action: panelAction(conv.id), adminId });
  }

  /** the conversation of :id, or a 404 page */
  function conversationOr404(req: Request, res: Response): Conversation | null {
    try {
      return store.conversation(String(req.params.id));
    } catch {
      res
        .status(404)
        .type('html')
        .send(errorPage('Not found', `No conversation ${String(req.params.id)}`));
      return null;
    }
  }

  const teammate = (conv: Conversation, wanted: unknown) => {
    const w = store.workspace(conv.workspaceId);
    return (str(wanted) && store.admin(w, str(wanted) as string)) || w.admins[0];
  };

  r.get('/', async (_req, res) => {
    const panels = new Map<string, string>();
    if (opts.canvasInitializeUrl) {
      const convs = [...store.workspaces.values()]
        .flatMap((w) => store.listConversations(w.id_code))
        .sort((a, b) => Number(b.id) - Number(a.id))
        .slice(0, INBOX_PANELS);
      await Promise.all(convs.map(async (c) => panels.set(c.id, await initializePanel(c, store.workspace(c.workspaceId).admins[0].id))));
    }
    res.type('html').send(inboxPage(store, (id) => core.installState(id), panels));
  });

  r.get('/inbox/live.js', (_req, res) => res.type('application/javascript').send(LIVE_SCRIPT));

  /** Server-sent events: `conversation` {id, workspace} whenever a conversation changes (a note arrives, …). */
  r.get('/inbox/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const off = store.onChange((c) => res.write(`event: conversation\ndata: ${JSON.stringify({ id: c.id, workspace: c.workspaceId })}\n\n`));
    const beat = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    req.on('close', () => {
      off();
      clearInterval(beat);
    });
  });

  /** One conversation's card with its panel (as `admin`, default the first teammate): what live updates swap in. */
  r.get('/inbox/conversations/:id/card', async (req, res) => {
    const conv = conversationOr404(req, res);
    if (!conv) return;
    const admin = teammate(conv, req.query.admin);
    const panel = await initializePanel(conv, admin.id);
    res.type('html').send(conversationCard(store, store.workspace(conv.workspaceId), conv, panel));
  });

  r.get('/conversations/:id/view', async (req, res) => {
    const conv = conversationOr404(req, res);
    if (!conv) return;
    const admin = teammate(conv, req.query.admin);
    const last = core.lastPanels.get(`${conv.id}:${admin.id}`);
    let panel: string;
    if (str(req.query.panel) === 'last' && last) panel = renderPanel(last, { action: panelAction(conv.id), adminId: admin.id });
    else panel = await initializePanel(conv, admin.id);
    if (!panel) panel = '<p class="muted">No Canvas Kit initialize URL configured (SANDBOX_CANVAS_INITIALIZE_URL).</p>';
    res.type('html').send(conversationViewPage(store, store.workspace(conv.workspaceId), conv, admin.id, panel));
  });

  r.post('/inbox/conversations/:id/canvas/submit', async (req, res) => {
    const conv = conversationOr404(req, res);
    if (!conv) return;
    const b = (req.body ?? {}) as Json;
    const admin = teammate(conv, b.admin_id);
    const inputValues: Json = {};
    for (const [k, v] of Object.entries(b)) if (k.startsWith('iv:')) inputValues[k.slice(3)] = v;
    let result: PanelResult;
    try {
      const call: CanvasCallResult = await core.canvasSubmit({
        conversationId: conv.id,
        adminId: admin.id,
        componentId: str(b.component_id) ?? '',
        inputValues,
      });
      result = { ...call, kind: 'submit' };
    } catch (e) {
      result = failedCall(e, 'submit');
      // keep showing the canvas we had, with the error on top
      const prev = core.lastPanels.get(`${conv.id}:${admin.id}`);
      if (prev) result = { ...result, body: prev.body };
    }
    core.lastPanels.set(`${conv.id}:${admin.id}`, result);
    res.redirect(303, `/conversations/${encodeURIComponent(conv.id)}/view?admin=${encodeURIComponent(admin.id)}&panel=last`);
  });

  r.get('/composer', (_req, res) => res.type('html').send(composerPage(store)));
  r.post('/composer', (req, res) => {
    const b = (req.body ?? {}) as Json;
    if (!str(b.email) || !str(b.message)) return res.status(400).type('html').send(errorPage('Missing fields', 'Email and message are required.'));
    const conv = core.createConversation({
      workspaceId: str(b.workspace),
      customer: { name: str(b.name) ?? '', email: String(b.email) },
      subject: str(b.subject),
      body: String(b.message),
    });
    res.redirect(303, `/#conv-${conv.id}`);
  });
  r.post('/inbox/conversations/:id/admin-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const type = b.message_type === 'comment' ? 'comment' : 'note';
    if (str(b.body)) core.adminPart(String(req.params.id), String(b.admin_id), String(b.body), type, false);
    res.redirect(303, `/#conv-${String(req.params.id)}`);
  });
  r.post('/inbox/conversations/:id/customer-reply', (req, res) => {
    const b = (req.body ?? {}) as Json;
    if (str(b.body)) core.customerReply(String(req.params.id), String(b.body));
    res.redirect(303, `/#conv-${String(req.params.id)}`);
  });
  return r;
}
