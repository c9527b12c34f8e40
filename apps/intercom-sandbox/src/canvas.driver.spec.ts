/**
 * Real: the sandbox's Canvas Kit driver and validator. Stand-in: a local receiver playing the app's Canvas endpoints.
 */
import { createHmac } from 'node:crypto';
import { validateCanvasResponse } from './canvas.driver';
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';
import { startReceiver } from './test-receiver.util';
import type { Receiver } from './test-receiver.util';

const asAny = (x: unknown): any => x;

describe('validateCanvasResponse', () => {
  it('accepts a valid canvas', () => {
    const body = {
      canvas: {
        content: {
          components: [
            { type: 'text', text: '*Severity*: high', style: 'header' },
            { type: 'data-table', items: [{ type: 'field-value', field: 'Service', value: 'checkout' }] },
            {
              type: 'single-select',
              id: 'sev',
              options: [
                { type: 'option', id: 'a', text: 'A' },
                { type: 'option', id: 'b', text: 'B' },
              ],
            },
            { type: 'checkbox', id: 'c', option: [{ type: 'option', id: 'x', text: 'X' }] },
            { type: 'divider' },
            { type: 'spacer', size: 'm' },
            { type: 'button', id: 'run', label: 'Run analysis', action: { type: 'submit' } },
            { type: 'button', id: 'open', label: 'Open', style: 'link', action: { type: 'url', url: 'https://x.test/a' } },
          ],
        },
        stored_data: { analysisId: 'a1' },
      },
      event: { type: 'completed' },
    };
    expect(validateCanvasResponse(body)).toEqual([]);
  });

  it('reports unknown types, missing fields, bad enums, Messenger-only features and size limits', () => {
    const errors = validateCanvasResponse({
      canvas: {
        content: {
          components: [
            { type: 'paragraph', text: 'x' },
            { type: 'button', id: 'b', label: 'Go' },
            { type: 'text', text: 'x', style: 'bold' },
            { type: 'button', id: 'b', label: 'Sheet', action: { type: 'sheet', url: 'https://x' } },
            { type: 'dropdown', id: 'd', options: [{ type: 'option', id: 'only', text: 'one' }] },
          ],
        },
        stored_data: { big: 'x'.repeat(70 * 1024) },
      },
      event: { type: 'done' },
    });
    const all = errors.join('\n');
    expect(all).toContain('unknown component type "paragraph"');
    expect(all).toContain("missing required field 'action'");
    expect(all).toContain('style must be one of');
    expect(all).toContain('Messenger only');
    expect(all).toContain('needs 2–10 options');
    expect(all).toContain('duplicate component ids: b');
    expect(all).toContain('stored_data is');
    expect(all).toContain("event must be {type: 'completed'}");
    expect(validateCanvasResponse({ components: [] })).toEqual(["response has no 'canvas' object"]);
  });
});

describe('Canvas Kit driver', () => {
  const SECRET = 'test_client_secret';
  let rx: Receiver;
  let sb: Sandbox;
  beforeAll(async () => {
    rx = await startReceiver();
    sb = await startSandbox({
      port: 0,
      clientId: 'sandbox',
      clientSecret: SECRET,
      redirectUris: ['http://app.test/cb'],
      canvasInitializeUrl: `${rx.url}/canvas-kit/intercom/initialize`,
      canvasSubmitUrl: `${rx.url}/canvas-kit/intercom/submit`,
    });
  });
  afterAll(async () => {
    await sb.close();
    await rx.close();
  });

  it('sends signed initialize/submit requests, carries stored_data in current_canvas and reports errors', async () => {
    const conv = sb.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, body: 'help' });
    const canvas = {
      content: {
        components: [
          { type: 'input', id: 'note', label: 'Note' },
          { type: 'button', id: 'save', label: 'Save', action: { type: 'submit' } },
        ],
      },
      stored_data: { step: 1 },
    };
    rx.bodies.push({ canvas }, { canvas: { content: { components: [{ type: 'bogus' }] } } });
    const init = await fetch(`${sb.url}/_sandbox/canvas/initialize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ conversationId: conv.id }),
    });
    const initResult = await init.json().then(asAny);
    expect(initResult.status).toBe(200);
    expect(initResult.errors).toEqual([]);
    const [req1] = await rx.waitFor(1);
    expect(req1.path).toBe('/canvas-kit/intercom/initialize');
    expect(req1.headers['x-body-signature']).toBe(createHmac('sha256', SECRET).update(req1.raw).digest('hex'));
    const b1 = JSON.parse(req1.raw.toString());
    expect(b1).toMatchObject({
      workspace_id: 'sbx12345',
      workspace_region: 'US',
      admin: { type: 'admin', id: '991267001' },
      conversation: { type: 'conversation', id: conv.id },
      contact: { type: 'contact', email: 'joe@example.com' },
    });

    const notSubmit = await sb.canvasSubmit({ conversationId: conv.id as string, componentId: 'note' }).catch((e: Error) => e.message);
    expect(notSubmit).toContain('no submit action');

    const sub = await sb.canvasSubmit({ conversationId: conv.id as string, componentId: 'save', inputValues: { note: 'refund' } });
    const b2 = JSON.parse(rx.received[1].raw.toString());
    expect(b2).toMatchObject({ component_id: 'save', input_values: { note: 'refund' }, current_canvas: canvas });
    expect(rx.received[1].headers['x-body-signature']).toBe(createHmac('sha256', SECRET).update(rx.received[1].raw).digest('hex'));
    expect(sub.errors.join()).toContain('unknown component type "bogus"');
  });
});
