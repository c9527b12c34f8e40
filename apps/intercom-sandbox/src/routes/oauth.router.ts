/** OAuth (reference §1): the consent page, the token exchange and /auth/uninstall. */
import express from 'express';
import type { Response } from 'express';
import { sendError, str } from '../http.util';
import { consentPage, errorPage } from '../pages.render';
import type { SandboxCore } from '../sandbox.core';
import type { Json } from '../sandbox.types';
import { bearer } from './api-front';

/** POST /auth/eagle/token and POST /auth/uninstall (Intercom API routes: mounted behind apiFront, no version check). */
export function authApiRouter(core: SandboxCore): express.Router {
  const r = express.Router();
  const { opts, store } = core;

  r.post('/auth/eagle/token', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const code = str(b.code);
    const rec = code ? store.consumeCode(code) : undefined;
    if (str(b.client_id) !== opts.clientId || str(b.client_secret) !== opts.clientSecret) {
      return sendError(res, { status: 401, code: 'unauthorized', message: 'Unauthorized Client' });
    }
    if (!rec || rec.clientId !== opts.clientId) return sendError(res, { status: 401, code: 'unauthorized', message: 'Unauthorized Code' });
    const token = store.issueToken(rec.workspaceId, rec.adminId);
    res.json({ token_type: 'Bearer', token, access_token: token });
  });

  r.post('/auth/uninstall', (req, res) => {
    const tok = bearer(core, req);
    if (!tok) return sendError(res, { status: 401, code: 'unauthorized', message: 'Access Token Invalid' });
    void core.uninstall(tok.workspaceId);
    res.json({});
  });
  return r;
}

/** GET /oauth (the consent page, or an immediate redirect with autoApprove) and POST /oauth/decision. */
export function consentRouter(core: SandboxCore): express.Router {
  const r = express.Router();
  const { opts, store } = core;

  function checkClient(q: Json, res: Response): { redirectUri: string; state?: string } | null {
    if (str(q.client_id) !== opts.clientId) {
      res.status(400).type('html').send(errorPage('Invalid request', 'Unknown client_id: this app is not registered.'));
      return null;
    }
    const given = str(q.redirect_uri);
    if (given !== undefined && given !== '' && !opts.redirectUris.includes(given)) {
      res
        .status(400)
        .type('html')
        .send(errorPage('Invalid redirect URI', `The redirect_uri is not one of the app's registered redirect URLs: ${given}`));
      return null;
    }
    return { redirectUri: given || opts.redirectUris[0], state: str(q.state) };
  }

  function redirectWith(res: Response, target: string, params: Record<string, string | undefined>) {
    const u = new URL(target);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    res.redirect(302, u.toString());
  }

  r.get('/oauth', (req, res) => {
    const q = req.query as Json;
    const c = checkClient(q, res);
    if (!c) return;
    if (opts.autoApprove) {
      const w = store.workspace(str(q.sandbox_workspace));
      const admin = (str(q.sandbox_admin) && store.admin(w, str(q.sandbox_admin) as string)) || w.admins[0];
      const code = store.issueCode(opts.clientId, w.id_code, admin.id, opts.codeTtlMs ?? 300_000);
      return redirectWith(res, c.redirectUri, { code, state: c.state });
    }
    const hidden: Record<string, string> = { client_id: opts.clientId, redirect_uri: c.redirectUri };
    if (c.state !== undefined) hidden.state = c.state;
    res.type('html').send(consentPage({ appName: opts.appName ?? 'SigSentry', workspaces: [...store.workspaces.values()], hidden }));
  });

  r.post('/oauth/decision', (req, res) => {
    const b = (req.body ?? {}) as Json;
    const c = checkClient(b, res);
    if (!c) return;
    if (str(b.decision) !== 'authorize') return redirectWith(res, c.redirectUri, { error: 'access_denied', state: c.state });
    const [wsId, adminId] = (str(b.admin) ?? '').split(':');
    const w = store.workspaces.get(wsId) ?? store.workspace(str(b.workspace));
    const admin = store.admin(w, adminId) ?? w.admins[0];
    const code = store.issueCode(opts.clientId, w.id_code, admin.id, opts.codeTtlMs ?? 300_000);
    redirectWith(res, c.redirectUri, { code, state: c.state });
  });
  return r;
}
