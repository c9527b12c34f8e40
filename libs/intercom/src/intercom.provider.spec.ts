import { ProviderError } from '@app/support-desk';
import { intercomId, IntercomProvider } from './intercom.provider';

const provider = new IntercomProvider({} as any, { clientId: 'c', clientSecret: 's', oauthUrl: 'http://x/oauth' } as any);
const event = (item: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'notification_event',
  app_id: 'ws1',
  id: 'notif_1',
  topic: 'conversation.user.replied',
  created_at: 1_700_000_000,
  data: { item },
  ...extra,
});

describe('IntercomProvider on untrusted webhook payloads', () => {
  it('accepts only string/number ids of id characters that fit the 64-character columns', () => {
    expect(intercomId('215470000000001')).toBe('215470000000001');
    expect(intercomId(42)).toBe('42');
    for (const v of ['', 'x'.repeat(65), 'a b', { toString: 1 }, ['1'], null, undefined, NaN, Infinity, true]) expect(intercomId(v)).toBeNull();
  });

  it('refuses a conversation item whose id is not an id (400), instead of failing at the database', () => {
    for (const id of [{ a: 1 }, ['1', '2'], 'x'.repeat(65), '', true]) {
      expect(() => provider.normalizeEvent(event({ type: 'conversation', id }), null)).toThrow(ProviderError);
    }
    expect(provider.normalizeEvent(event({ type: 'conversation', id: 7 }), null).conversationId).toBe('7');
  });

  it('survives wrong types inside the parts, over-long notification ids and absurd dates', () => {
    const item = {
      type: 'conversation',
      id: '9',
      conversation_parts: {
        conversation_parts: [
          null,
          1,
          { body: 5, author: { type: 'user', id: { a: 1 } }, created_at: 1e308 },
          { part_type: 'comment', body: '<p>help</p>', author: { type: 'user', id: 'u1' } },
        ],
      },
    };
    const ev = provider.normalizeEvent(event(item, { id: 'n'.repeat(5000), created_at: 1e308 }), { replyAsAdminId: null });
    expect(ev.notificationId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Number.isNaN(ev.createdAt.getTime())).toBe(false);
    expect(ev.action).toBe('retriage');
    expect(provider.eventParts(event(item), { replyAsAdminId: null }).map((p) => p.text)).toEqual(['help']);
    const notAList = provider.normalizeEvent(event({ type: 'conversation', id: '9', conversation_parts: { conversation_parts: 'x' } }), {
      replyAsAdminId: null,
    });
    expect(notAList.action).toBe('record');
  });
});
