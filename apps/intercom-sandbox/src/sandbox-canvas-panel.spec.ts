/**
 * Real: the sandbox (inbox pages, Canvas Kit driver, panel renderer) on a random port, driven with fetch like a
 * browser. Stand-in: a fake app (node:http) answering initialize/submit with canvases and checking signatures.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { renderCanvas, renderMarkdown } from './canvas.render';
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

type Json = Record<string, unknown>;
const SECRET = 'panel_client_secret';

interface FakeApp {
  url: string;
  requests: Array<{ path: string; body: Json; signatureOk: boolean }>;
  /** canvas responses to send next instead of the default behaviour: [status, body] */
  queue: Array<[number, unknown]>;
  close(): Promise<void>;
}

const EVIL = 'Hi [click](http://evil) **x** <script>alert(1)</script>';
/** as the product neutralises user text: no backslashes (undocumented in Canvas Kit), look-alike `∗`, no `](` */
const esc = (s: string) => s.replace(/\*/g, '\u2217').replace(/\]\(/g, ']\u200b(');

function panelCanvas(analysis: { id: string; status: string } | null): Json {
  const components: Json[] = [
    { type: 'text', text: 'SigSentry', style: 'header' },
    { type: 'text', text: '**Triage**' },
    {
      type: 'data-table',
      items: [
        { type: 'field-value', field: 'Severity', value: 'High' },
        { type: 'field-value', field: 'Service', value: '<b>checkout</b>' },
      ],
    },
    { type: 'text', text: esc(EVIL), style: 'muted' },
    { type: 'divider' },
    {
      type: 'list',
      items: [
        {
          type: 'item',
          id: 'analysis-a0',
          title: 'Complete · High',
          subtitle: '5 min ago',
          action: { type: 'url', url: 'https://sigsentry.test/projects/shop/analyses/a0' },
        },
      ],
    },
  ];
  if (!analysis) components.push({ type: 'button', id: 'run_analysis', label: 'Run analysis', action: { type: 'submit' } });
  else if (analysis.status === 'processing')
    components.push(
      { type: 'text', text: `Analysis ${analysis.id}: running` },
      { type: 'button', id: 'refresh', label: 'Refresh', style: 'secondary', action: { type: 'submit' } },
    );
  else
    components.push(
      { type: 'text', text: `Analysis ${analysis.id}: complete` },
      { type: 'button', id: 'run_again', label: 'Run again', style: 'secondary', action: { type: 'submit' } },
    );
  return { canvas: { content: { components }, ...(analysis ? { stored_data: { analysisId: analysis.id } } : {}) } };
}

/** The app side: initialize → panel; run_analysis → starts "an-1" (once); refresh → shows it complete. */
async function startFakeApp(): Promise<FakeApp> {
  const requests: FakeApp['requests'] = [];
  const queue: FakeApp['queue'] = [];
  let started = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const want = Buffer.from(createHmac('sha256', SECRET).update(raw).digest('hex'));
      const got = Buffer.from(String(req.headers['x-body-signature'] ?? ''));
      const signatureOk = got.length === want.length && timingSafeEqual(got, want);
      const body = JSON.parse(raw.toString()) as Json;
      requests.push({ path: req.url ?? '', body, signatureOk });
      const send = (status: number, b: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (!signatureOk) return send(401, { error: 'bad signature' });
      const next = queue.shift();
      if (next) return send(next[0], next[1]);
      if (req.url?.endsWith('/initialize')) return send(200, panelCanvas(null));
      const current = (body.current_canvas ?? {}) as Json;
      const storedId = (current.stored_data as Json | undefined)?.analysisId as string | undefined;
      if (storedId) return send(200, panelCanvas({ id: storedId, status: 'complete' }));
      if (body.component_id === 'run_analysis') {
        started++;
        return send(200, panelCanvas({ id: `an-${started}`, status: 'processing' }));
      }
      return send(200, { canvas: { content: { components: [{ type: 'text', text: 'Unknown action', style: 'error' }] } } });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queue,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

let app: FakeApp;
let sb: Sandbox;
let convId: string;

beforeAll(async () => {
  app = await startFakeApp();
  sb = await startSandbox({
    port: 0,
    clientId: 'sandbox',
    clientSecret: SECRET,
    redirectUris: ['http://app.test/cb'],
    canvasInitializeUrl: `${app.url}/canvas-kit/intercom/initialize`,
    canvasSubmitUrl: `${app.url}/canvas-kit/intercom/submit`,
  });
  convId = sb.createConversation({ customer: { name: 'Joe', email: 'joe@example.com' }, subject: 'Checkout down', body: 'checkout is broken' }).id as string;
});
afterAll(async () => {
  await sb.close();
  await app.close();
});

const page = async (path: string) => {
  const r = await fetch(`${sb.url}${path}`);
  return { status: r.status, html: await r.text() };
};

/** Clicks a panel button like a browser: posts the panel form, follows the 303. */
async function click(componentId: string, adminId = '991267001', extra: Record<string, string> = {}): Promise<string> {
  const r = await fetch(`${sb.url}/inbox/conversations/${convId}/canvas/submit`, {
    method: 'POST',
    body: new URLSearchParams({ admin_id: adminId, component_id: componentId, ...extra }),
    redirect: 'manual',
  });
  expect(r.status).toBe(303);
  const loc = r.headers.get('location') as string;
  expect(loc).toBe(`/conversations/${convId}/view?admin=${adminId}&panel=last`);
  return (await page(loc)).html;
}

describe('sandbox inbox Canvas Kit panel', () => {
  it('renders the panel from a signed initialize: components as escaped HTML, Markdown subset only', async () => {
    const n = app.requests.length;
    const { status, html } = await page(`/conversations/${convId}/view`);
    expect(status).toBe(200);
    const req = app.requests[n];
    expect(req.path).toBe('/canvas-kit/intercom/initialize');
    expect(req.signatureOk).toBe(true);
    expect(req.body).toMatchObject({ workspace_id: 'sbx12345', conversation: { id: convId }, admin: { id: '991267001' } });
    expect(html).toContain('data-canvas-status="200"');
    expect(html).not.toContain('class="ck-errors"');
    expect(html).toContain('<strong>Triage</strong>');
    expect(html).toContain('<td>Service</td><td>&lt;b&gt;checkout&lt;/b&gt;</td>');
    // the escaped user text shows literally: no link to evil, no bold, no script
    expect(html).toContain('Hi [click]\u200b(http://evil) \u2217\u2217x\u2217\u2217 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('href="http://evil');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<a href="https://sigsentry.test/projects/shop/analyses/a0" target="_blank" rel="noopener noreferrer">');
    expect(html).toContain('name="component_id" value="run_analysis"');
    expect(html).toContain(`action="/inbox/conversations/${convId}/canvas/submit"`);
  });

  it('buttons round-trip through submit, carrying stored_data in current_canvas', async () => {
    await page(`/conversations/${convId}/view`);
    const n = app.requests.length;
    const after = await click('run_analysis');
    const sub = app.requests[n];
    expect(sub.path).toBe('/canvas-kit/intercom/submit');
    expect(sub.signatureOk).toBe(true);
    expect(sub.body.component_id).toBe('run_analysis');
    expect(sub.body.input_values).toEqual({});
    expect(sub.body.current_canvas).toEqual(panelCanvas(null).canvas);
    // the returned canvas is shown (no re-initialize on the redirect)
    expect(app.requests).toHaveLength(n + 1);
    expect(after).toContain('name="component_id" value="refresh"');
    expect(after).toContain('Analysis an-1: running');
    expect(after).toContain('stored_data {&quot;analysisId&quot;:&quot;an-1&quot;}');

    const done = await click('refresh');
    const sub2 = app.requests[n + 1];
    expect(sub2.body.component_id).toBe('refresh');
    expect((sub2.body.current_canvas as Json).stored_data).toEqual({ analysisId: 'an-1' });
    expect(done).toContain('Analysis an-1: complete');
    expect(done).toContain('value="run_again"');
    expect(done).not.toContain('value="refresh"');
  });

  it('sends input values of interactive components', async () => {
    app.queue.push([
      200,
      {
        canvas: {
          content: {
            components: [
              { type: 'input', id: 'note', label: 'Note' },
              { type: 'button', id: 'save', label: 'Save', action: { type: 'submit' } },
            ],
          },
        },
      },
    ]);
    const html = (await page(`/conversations/${convId}/view`)).html;
    expect(html).toContain('name="iv:note"');
    const n = app.requests.length;
    await click('save', '991267001', { 'iv:note': 'refund please' });
    expect(app.requests[n].body).toMatchObject({ component_id: 'save', input_values: { note: 'refund please' } });
  });

  it("shows the driver's validation errors in a red box", async () => {
    app.queue.push([
      200,
      {
        canvas: {
          content: {
            components: [
              { type: 'paragraph', text: 'x' },
              { type: 'button', id: 'b', label: 'B', action: { type: 'submit' } },
              { type: 'button', id: 'b', label: 'C' },
            ],
          },
        },
      },
    ]);
    const bad = (await page(`/conversations/${convId}/view`)).html;
    expect(bad).toContain('class="ck-errors"');
    expect(bad).toContain('unknown component type &quot;paragraph&quot;');
    expect(bad).toContain('duplicate component ids: b');
    expect(bad).toContain('unsupported component type &quot;paragraph&quot;');

    app.queue.push([500, { oops: true }]);
    const err = (await page(`/conversations/${convId}/view`)).html;
    expect(err).toContain('data-canvas-status="500"');
    expect(err).toContain('HTTP 500 (Intercom expects 200 with a canvas)');
  });

  it('a click on a component that is not on the canvas keeps the canvas and shows the error', async () => {
    await page(`/conversations/${convId}/view`);
    const n = app.requests.length;
    const html = await click('nope');
    expect(app.requests).toHaveLength(n); // never sent: Intercom would not send it either
    expect(html).toContain('class="ck-errors"');
    expect(html).toContain('component &#39;nope&#39; is not on the current canvas');
    expect(html).toContain('value="run_analysis"');
  });

  it('the inbox shows each conversation with its panel', async () => {
    const other = sb.createConversation({ customer: { name: 'Ann', email: 'ann@example.com' }, body: 'second' }).id as string;
    const { html } = await page('/');
    for (const id of [convId, other]) {
      const card = html.slice(html.indexOf(`data-canvas-for="${id}"`));
      expect(card.slice(0, 4000)).toContain('value="run_analysis"');
    }
    expect(html).toContain(`href="/conversations/${other}/view"`);
  });
});

describe('canvas renderer', () => {
  it('interprets only the Markdown subset, escapes everything else', () => {
    expect(renderMarkdown('**b** *i* [ok](https://x.test/a?b=1&c=2) [bad](javascript:alert(1)) a\\b <i>')).toBe(
      '<strong>b</strong> <strong>i</strong> <a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">ok</a> [bad](javascript:alert(1)) a\\b &lt;i&gt;',
    );
    expect(renderMarkdown('[x](data:text/html,1)')).toBe('x');
  });

  it('renders every documented Inbox component type', () => {
    const html = renderCanvas({
      content: {
        components: [
          { type: 'text', text: 'T', style: 'header', align: 'center' },
          { type: 'button', id: 'u', label: 'Open', action: { type: 'url', url: 'https://x.test' }, style: 'link' },
          { type: 'button', id: 's', label: 'Go', action: { type: 'submit' }, disabled: true },
          { type: 'list', items: [{ type: 'item', id: 'i1', title: 'One', subtitle: 'sub', tertiary_text: 'ter', action: { type: 'submit' } }] },
          { type: 'data-table', items: [{ type: 'field-value', field: 'F', value: 'V' }] },
          { type: 'divider' },
          { type: 'spacer', size: 'xl' },
          { type: 'image', url: 'https://x.test/i.png', width: 10, height: 20 },
          { type: 'textarea', id: 'ta', label: 'TA', value: '<v>' },
          {
            type: 'single-select',
            id: 'ss',
            options: [
              { type: 'option', id: 'a', text: 'A' },
              { type: 'option', id: 'b', text: 'B' },
            ],
            value: 'b',
          },
          {
            type: 'dropdown',
            id: 'dd',
            options: [
              { type: 'option', id: 'a', text: 'A' },
              { type: 'option', id: 'b', text: 'B' },
            ],
          },
          { type: 'checkbox', id: 'cb', option: [{ type: 'option', id: 'x', text: 'X' }], value: ['x'] },
        ],
      },
    });
    for (const frag of [
      '<div class="ck-text ck-header ck-center" data-type="text">T</div>',
      'class="ck-button link" data-component-id="u" href="https://x.test/"',
      'value="s" data-component-id="s" disabled>Go</button>',
      'name="component_id" value="i1"',
      '<span class="ck-sub">sub</span><span class="ck-ter">ter</span>',
      '<tr><td>F</td><td>V</td></tr>',
      '<hr data-type="divider">',
      'ck-spacer-xl',
      '<img data-type="image" src="https://x.test/i.png" width="10" height="20"',
      '<textarea name="iv:ta" placeholder="">&lt;v&gt;</textarea>',
      '<option value="b" selected>B</option>',
      '<select name="iv:dd">',
      'name="iv:cb" value="x" checked',
    ])
      expect(html).toContain(frag);
  });
});
