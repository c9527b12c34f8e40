/*
 * Unit: BindingClient over an in-memory WorkspaceApi (the platform side). The database side of a rejected token
 * (needs_reinstall, health token_rejected) runs for real in the e2e specs (test/) and the stress run.
 */
import { BindingClient, type BindingStateHandler } from './binding-client';
import { ProviderError, type WorkspaceApi } from './provider';
import type { BindingEntity } from './support-desk.entities';

const binding = { id: 'b1', replyAsAdminId: '7', status: 'active' } as BindingEntity;
const refused = () => new ProviderError('unauthorized', 'GET /me answered 401 token_revoked', false, { status: 401, code: 'token_revoked' });

function api(fail: (name: string) => Error | null): WorkspaceApi {
  const call =
    <T>(name: string, value: T) =>
    async (): Promise<T> => {
      const e = fail(name);
      if (e) throw e;
      return value;
    };
  return {
    readConversation: call('readConversation', {
      id: 'c1',
      subject: null,
      text: 'x',
      createdAt: new Date(0),
      customerName: null,
      customerEmail: null,
      parts: [],
    }),
    postMessage: call('postMessage', { partId: 'p1' }),
    hasReference: call('hasReference', false),
    hasCopy: call('hasCopy', false),
    updateAttributes: call('updateAttributes', undefined),
    listAttributes: call('listAttributes', []),
    listAdmins: call('listAdmins', []),
    revoke: call('revoke', undefined),
    tokenWorks: call('tokenWorks', true),
    readConversationRaw: call('readConversationRaw', {}),
    conversationExists: call('conversationExists', true),
    adminExists: call('adminExists', true),
    tokenAdmin: call('tokenAdmin', { id: '1', name: null, email: null }),
    updatedConversations: call('updatedConversations', { conversations: [], next: null }),
    rateBudget: () => null,
  };
}

/** A state handler that records refusals and answers `verdict` when asked to confirm a refused token. */
function handler(verdict: 'revoked' | 'works' = 'revoked') {
  const rejected: ProviderError[] = [];
  const missing: Array<{ method: string; permission?: string }> = [];
  const restored: string[] = [];
  const h: BindingStateHandler = {
    tokenRejected: async (e) => {
      rejected.push(e);
      return verdict;
    },
    permissionMissing: async (method, e) => void missing.push({ method, permission: e.extra.permission }),
    permissionRestored: async (method) => void restored.push(method),
  };
  return { h, rejected, missing, restored };
}

describe('BindingClient: per-workspace calls and the one place a refused token changes the binding', () => {
  it('hands every refused per-workspace call to the binding state handler, once per refusal, and still fails the call', async () => {
    const { h, rejected } = handler();
    const client = new BindingClient(
      binding,
      api(() => refused()),
      h,
    );
    const calls: Array<() => Promise<unknown>> = [
      () => client.readConversation('c1'),
      () => client.postMessage('c1', { visibility: 'internal', adminId: '7', html: '<p>x</p>', text: '' }),
      () => client.hasReference('c1', 'SS-1'),
      () => client.hasCopy('c1', { text: 'Hi', since: new Date(0) }),
      () => client.updateAttributes('c1', { severity: 'high' }),
      () => client.listAttributes(),
      () => client.listAdmins(),
    ];
    for (const c of calls) await expect(c()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(rejected).toHaveLength(calls.length);
    expect(rejected[0].extra.code).toBe('token_revoked');
  });

  it('leaves the binding alone on other failures and on success', async () => {
    const { h, rejected } = handler();
    const client = new BindingClient(
      binding,
      api((n) => (n === 'postMessage' ? new ProviderError('server', 'the platform answered 503', true) : null)),
      h,
    );
    await expect(client.postMessage('c1', { visibility: 'internal', adminId: '7', html: '', text: '' })).rejects.toMatchObject({ kind: 'server' });
    expect(await client.listAdmins()).toEqual([]);
    expect(rejected).toEqual([]);
  });

  it('does not treat revoke and the token probe as refusals (disconnect and uninstall decide)', async () => {
    const { h, rejected } = handler();
    const client = new BindingClient(
      binding,
      api((n) => (n === 'revoke' ? refused() : null)),
      h,
    );
    await expect(client.revoke()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(await client.tokenWorks()).toBe(true);
    expect(rejected).toEqual([]);
  });

  it('fails every call of a binding without a token (disconnected) as unauthorized', async () => {
    const { h, rejected } = handler();
    const client = new BindingClient(binding, null, h);
    await expect(client.listAdmins()).rejects.toThrow(/no access token/);
    await expect(client.tokenWorks()).rejects.toThrow(/no access token/);
    expect(rejected).toHaveLength(1);
  });

  it('turns a refusal whose token still works (GET /me answers) into a retryable failure, not a revocation', async () => {
    const { h, rejected } = handler('works');
    const client = new BindingClient(
      binding,
      api(() => refused()),
      h,
    );
    await expect(client.listAdmins()).rejects.toMatchObject({ kind: 'server', retryable: true });
    expect(rejected).toHaveLength(1);
  });

  it('reports a call refused for a missing permission (and its return) without touching the token', async () => {
    const { h, rejected, missing, restored } = handler();
    let denied = true;
    const b = { ...binding, healthState: {} } as BindingEntity;
    const client = new BindingClient(
      b,
      api((n) =>
        n === 'listAdmins' && denied
          ? new ProviderError('permission_missing', 'GET /admins answered 401 token_unauthorized', false, {
              status: 401,
              code: 'token_unauthorized',
              permission: 'Read admins',
            })
          : null,
      ),
      h,
    );
    await expect(client.listAdmins()).rejects.toMatchObject({ kind: 'permission_missing' });
    expect(missing).toEqual([{ method: 'readAdmins', permission: 'Read admins' }]);
    expect(rejected).toEqual([]);
    expect(await client.readConversation('c1')).toMatchObject({ id: 'c1' });
    b.healthState = { permissionMissing: { readAdmins: { call: 'GET /admins', permission: 'Read admins', since: new Date(0).toISOString() } } };
    denied = false;
    expect(await client.listAdmins()).toEqual([]);
    expect(restored).toEqual(['readAdmins']);
  });
});
