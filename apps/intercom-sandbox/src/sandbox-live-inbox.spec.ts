/**
 * The inbox's live updates. Real: the sandbox HTTP server on a random port, its event stream read with fetch.
 * Stand-ins: none (this is the stand-in); the browser side runs in test/browser/sandbox-live-inbox.e2e-spec.ts.
 */
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

let sb: Sandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0, clientId: 'sandbox', clientSecret: 'live_secret', redirectUris: ['http://app.test/oauth/intercom/callback'] });
});
afterAll(() => sb.close());

/** An open GET /inbox/events: `next(pred)` resolves with the next `conversation` event matching `pred`. */
async function openEvents() {
  const ctrl = new AbortController();
  const res = await fetch(`${sb.url}/inbox/events`, { signal: ctrl.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: Array<{ id: string; workspace: string }> = [];
  async function next(pred: (e: { id: string; workspace: string }) => boolean, timeoutMs = 5000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = events.findIndex(pred);
      if (hit >= 0) return events.splice(0, hit + 1)[hit];
      if (Date.now() > until) throw new Error(`no matching event within ${timeoutMs} ms`);
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event === 'conversation' && data) events.push(JSON.parse(data));
      }
    }
  }
  return { next, close: () => ctrl.abort() };
}

describe('inbox live updates', () => {
  it('streams a change for a new conversation, a note from the app, a customer reply and attributes', async () => {
    const stream = await openEvents();
    try {
      const conv = sb.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, body: 'Checkout is down' });
      const id = String(conv.id);
      expect(await stream.next((e) => e.id === id)).toEqual({ id, workspace: 'sbx12345' });

      // The app posts its note through the REST API, as Intercom receives it.
      const token = sb.install();
      const reply = await fetch(`${sb.url}/conversations/${id}/reply`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ message_type: 'note', type: 'admin', admin_id: '991267001', body: '<p>SigSentry triage: <b>HIGH</b> &lt;checkout&gt;</p>' }),
      });
      expect(reply.status).toBe(200);
      await stream.next((e) => e.id === id);

      // The card the page swaps in shows the note (escaped text) and carries its workspace for new cards.
      const card = await fetch(`${sb.url}/inbox/conversations/${id}/card`);
      expect(card.status).toBe(200);
      const html = await card.text();
      expect(html).toMatch(new RegExp(`^<div class="card" id="conv-${id}" data-conversation-id="${id}" data-workspace="sbx12345">`));
      expect(html).toContain('SigSentry triage: HIGH &lt;checkout&gt;');
      expect(html).not.toContain('<b>HIGH</b>');

      sb.customerReply(id, 'still broken');
      await stream.next((e) => e.id === id);

      const put = await fetch(`${sb.url}/conversations/${id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ custom_attributes: { severity: 'high' } }),
      });
      expect(put.status).toBe(200);
      await stream.next((e) => e.id === id);
      expect(await (await fetch(`${sb.url}/inbox/conversations/${id}/card`)).text()).toContain('<td>severity</td><td>high</td>');
    } finally {
      stream.close();
    }
  });

  it('serves the page script once, referenced (not inlined) by the inbox and conversation pages', async () => {
    const conv = sb.createConversation({ customer: { name: 'Ann', email: 'ann@example.com' }, body: 'Login fails' });
    for (const path of ['/', `/conversations/${String(conv.id)}/view`]) {
      const page = await (await fetch(`${sb.url}${path}`)).text();
      expect(page).toContain('<script src="/inbox/live.js" defer></script>');
      expect(page).toContain('data-live="on"');
    }
    const js = await fetch(`${sb.url}/inbox/live.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain("new EventSource('/inbox/events')");
  });

  it('answers 404 for the card of an unknown conversation, and keeps streaming to other listeners when one leaves', async () => {
    expect((await fetch(`${sb.url}/inbox/conversations/999/card`)).status).toBe(404);
    const gone = await openEvents();
    gone.close();
    const stream = await openEvents();
    try {
      const conv = sb.createConversation({ customer: { name: 'Bo', email: 'bo@example.com' }, body: 'Search is slow' });
      await stream.next((e) => e.id === String(conv.id));
    } finally {
      stream.close();
    }
  });
});
