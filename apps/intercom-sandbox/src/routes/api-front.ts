/** In front of every Intercom API route: rate-limit headers and the optional 429, injected faults, bearer auth. */
import type { NextFunction, Request, Response } from 'express';
import { sendError, VALID_VERSIONS } from '../http.util';
import type { SandboxCore } from '../sandbox.core';
import type { TokenRecord, Workspace } from '../sandbox.store';
import { requiredPermissions } from './permissions';

/** X-RateLimit-* headers on every answer; faults set through the control API; the optional enforced limit. */
export function apiFront(core: SandboxCore) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const now = Date.now();
    res.on('finish', () => core.recordCall({ method: req.method, path: req.path, status: res.statusCode, at: now }));
    const windowMs = core.rateLimit?.windowMs ?? 10_000;
    const limit = core.rateLimit?.limit ?? Math.floor(10_000 / 6);
    if (now - core.rl.windowStart >= windowMs) {
      core.rl.windowStart = now - (now % windowMs);
      core.rl.count = 0;
    }
    core.rl.count++;
    const reset = Math.ceil((core.rl.windowStart + windowMs) / 1000);
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - core.rl.count)));
    res.setHeader('X-RateLimit-Reset', String(reset));

    const sig = `${req.method} ${req.path}`;
    const fault = core.faults.find((f) => f.remaining > 0 && (!f.regex || f.regex.test(sig) || f.regex.test(req.path)));
    if (fault) {
      fault.remaining--;
      if (fault.remaining <= 0) core.faults.splice(core.faults.indexOf(fault), 1);
      if (fault.hang) return; // never answered; sockets are destroyed on close()
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (core.closed) return;
      if (fault.rateLimit || fault.status === 429) {
        res.setHeader('X-RateLimit-Remaining', '0');
        return sendError(res, {
          status: 429,
          code: fault.code ?? 'rate_limit_exceeded',
          message: fault.message ?? `More than ${limit} requests received in ${Math.round(windowMs / 1000)} seconds`,
        });
      }
      if (fault.status) {
        const code =
          fault.code ?? (fault.status >= 500 ? 'server_error' : fault.status === 404 ? 'not_found' : fault.status === 401 ? 'unauthorized' : 'bad_request');
        return sendError(res, { status: fault.status, code, message: fault.message ?? `Injected fault (${fault.status})` });
      }
    }
    if (core.rateLimit && core.rl.count > limit) {
      return sendError(res, {
        status: 429,
        code: 'rate_limit_exceeded',
        message: `More than ${limit} requests received in ${Math.round(windowMs / 1000)} seconds`,
      });
    }
    next();
  };
}

/** The active token of `Authorization: Bearer …`, if any. */
export function bearer(core: SandboxCore, req: Request): TokenRecord | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return core.store.activeToken(m?.[1]);
}

/** REST routes: a valid bearer token and Intercom-Version; sets res.locals.ws / version / token. */
export function apiAuth(core: SandboxCore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const tok = bearer(core, req);
    if (!tok) return sendError(res, { status: 401, code: 'unauthorized', message: 'Access Token Invalid' });
    const v = req.get('intercom-version');
    if (v !== undefined && !VALID_VERSIONS.has(v.trim())) {
      return sendError(res, { status: 400, code: 'intercom_version_invalid', message: 'The requested version could not be found' });
    }
    res.locals.version = v?.trim() || core.appVersion;
    const ws: Workspace = core.store.workspace(tok.workspaceId);
    res.locals.ws = ws;
    res.locals.token = tok;
    const need = requiredPermissions(req);
    if (need && ws.deniedPermissions.size && need.every((p) => ws.deniedPermissions.has(p))) {
      return sendError(res, { status: 401, code: 'token_unauthorized', message: 'Not authorized to access resource' });
    }
    next();
  };
}
