import { freePort } from '@app/core';
import { startSandbox } from '../../apps/intercom-sandbox/src/sandbox';
import { api, OWNER, startTestApp, StartTestAppOptions, TestApp } from './app';

export const CLIENT_ID = 'sigsentry-test';
export const CLIENT_SECRET = 'test-client-secret-0123456789';

type SandboxImpl = Awaited<ReturnType<typeof startSandbox>>;
/** The sandbox as tests use it: Intercom JSON (conversations, canvases) is read loosely. */
export type Sandbox = Omit<SandboxImpl, 'getConversation' | 'canvasInitialize' | 'canvasSubmit' | 'createConversation'> & {
  getConversation(id: string, o?: { plaintext?: boolean }): any;
  createConversation(input: Parameters<SandboxImpl['createConversation']>[0]): any;
  canvasInitialize(
    input: Parameters<SandboxImpl['canvasInitialize']>[0],
  ): Promise<{ status: number | string; body: any; errors: string[] } & Record<string, any>>;
  canvasSubmit(input: Parameters<SandboxImpl['canvasSubmit']>[0]): Promise<{ status: number | string; body: any; errors: string[] } & Record<string, any>>;
};

export interface IntercomStack {
  app: TestApp;
  sandbox: Sandbox;
  cookie: string;
  token: string;
  projectId: string;
  stop(): Promise<void>;
}

/**
 * Real: our app (api + worker) on a real PostgreSQL. Stand-in: the Intercom sandbox (apps/intercom-sandbox), written
 * independently from the Intercom reference, speaking OAuth, REST and signed webhooks to the app over HTTP.
 */
export async function startIntercomStack(
  env: Record<string, string> = {},
  sandboxOpts: Partial<Parameters<typeof startSandbox>[0]> = {},
  appOpts: StartTestAppOptions = {},
): Promise<IntercomStack> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const sandbox: Sandbox = await startSandbox({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${appUrl}/oauth/intercom/callback`],
    webhookUrl: `${appUrl}/webhooks/intercom`,
    uninstallUrl: `${appUrl}/webhooks/intercom/uninstall`,
    canvasInitializeUrl: `${appUrl}/canvas-kit/intercom/initialize`,
    canvasSubmitUrl: `${appUrl}/canvas-kit/intercom/submit`,
    retryDelayMs: 300,
    deliveryTimeoutMs: 3000,
    ...sandboxOpts,
  });
  const app = await startTestApp(
    {
      PORT: String(port),
      PUBLIC_URL: appUrl,
      INTERCOM_CLIENT_ID: CLIENT_ID,
      INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
      INTERCOM_API_URL: sandbox.url,
      INTERCOM_OAUTH_URL: `${sandbox.url}/oauth`,
      ...env,
    },
    appOpts,
  );
  const login = await api(app.url, 'POST', '/v1/auth/login', { body: OWNER });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const projects = await api(app.url, 'GET', '/v1/config/projects', { token: login.json.data.token });
  return {
    app,
    sandbox,
    cookie,
    token: login.json.data.token,
    projectId: projects.json.data[0].id,
    stop: async () => {
      await sandbox.close();
      await app.stop();
    },
  };
}

/** Follows the browser legs of the install: SigSentry → Intercom consent page → "Authorize app" → callback. */
export async function installThroughConsent(
  s: IntercomStack,
  opts: { projectId?: string; decision?: 'authorize' | 'cancel'; cookie?: string; workspaceId?: string } = {},
) {
  const cookie = opts.cookie ?? s.cookie;
  const start = await fetch(`${s.app.url}/v1/support-desk/intercom/install?projectId=${opts.projectId ?? s.projectId}`, {
    headers: { cookie },
    redirect: 'manual',
  });
  if (start.status !== 302) throw new Error(`install start answered ${start.status}: ${await start.text()}`);
  const authorize = new URL(start.headers.get('location')!);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const html = await consent.text();
  if (!html.includes('Authorize app')) throw new Error('no consent page');
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1],
      m[2]
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    ]),
  );
  const decision = await fetch(`${authorize.origin}/oauth/decision`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, decision: opts.decision ?? 'authorize', ...(opts.workspaceId ? { admin: `${opts.workspaceId}:` } : {}) }).toString(),
  });
  const callbackUrl = decision.headers.get('location')!;
  const callback = await fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
  return { authorizeUrl: authorize, callbackUrl, callback, body: callback.status === 302 ? '' : await callback.text() };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15000, stepMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
