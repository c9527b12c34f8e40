/** Real: buildPanel and the builder (pure). Stand-ins: none. Validity per Intercom's rules: test/canvas-kit-canvases.spec.ts. */
import { CANVAS_LIMIT_BYTES, jsonBytes } from './canvas-builder';
import type { ButtonComponent, CanvasComponent, CanvasResponse, DataTableComponent, ListComponent, TextComponent } from './canvas-builder';
import { NOT_THIS_INCIDENT_ID, PANEL_COMPONENT_IDS, REFRESH_ID, RUN_AGAIN_ID, RUN_ANALYSIS_ID, buildPanel, formatWhen, formatWindow } from './panel';
import { panelAnalysis, panelView } from './canvas.testing';

const comps = (r: CanvasResponse): CanvasComponent[] => r.canvas.content.components;
const buttons = (r: CanvasResponse) =>
  comps(r)
    .filter((c): c is ButtonComponent => c.type === 'button')
    .map((b) => b.id);
const texts = (r: CanvasResponse) =>
  comps(r)
    .filter((c): c is TextComponent => c.type === 'text')
    .map((t) => t.text);
const lists = (r: CanvasResponse) => comps(r).filter((c): c is ListComponent => c.type === 'list');
const table = (r: CanvasResponse) => comps(r).find((c): c is DataTableComponent => c.type === 'data-table');

const analysis = panelAnalysis;
const base = panelView;

describe('buildPanel', () => {
  it('exports the component ids', () => {
    expect(PANEL_COMPONENT_IDS).toEqual({ runAnalysis: 'run_analysis', refresh: 'refresh', runAgain: 'run_again', notThisIncident: 'not_this_incident' });
  });

  it('not_connected: the short canvas and nothing else', () => {
    const r = buildPanel(base({ state: 'not_connected', analyses: [analysis('a1')], sidebarAnalysis: analysis('a2') }));
    expect(comps(r).map((c) => c.type)).toEqual(['text', 'text']);
    expect(texts(r).join(' ')).toContain('not connected');
    expect(JSON.stringify(r)).not.toContain('checkout');
    expect(r.canvas.stored_data).toBeUndefined();
  });

  it('needs_reinstall: says an admin must reinstall, no buttons', () => {
    const r = buildPanel(base({ state: 'needs_reinstall' }));
    expect(texts(r).join(' ')).toMatch(/admin must reinstall/);
    expect(buttons(r)).toEqual([]);
  });

  it('ok with triage: severity, service, window in the binding zone, confidence; Run analysis offered', () => {
    const r = buildPanel(base());
    expect(table(r)?.items).toEqual([
      { type: 'field-value', field: 'Severity', value: 'High' },
      { type: 'field-value', field: 'Service', value: 'checkout' },
      { type: 'field-value', field: 'Time window', value: '24 Nov 2026, 13:00 – 15:00 (Europe/Paris)' },
      { type: 'field-value', field: 'Confidence', value: '82%' },
    ]);
    expect(buttons(r)).toEqual([RUN_ANALYSIS_ID]);
    expect(texts(r)).toContain('No analyses yet.');
    expect(r.canvas.stored_data).toBeUndefined();
  });

  it('no triage yet: says so and still offers Run analysis', () => {
    const r = buildPanel(base({ triage: null }));
    expect(texts(r)).toContain('No triage yet for this conversation.');
    expect(table(r)).toBeUndefined();
    expect(buttons(r)).toEqual([RUN_ANALYSIS_ID]);
  });

  it('lists recent analyses with status, severity, when and the link; auto-analyses do not block the button', () => {
    const r = buildPanel(base({ analyses: [analysis('a1', { status: 'processing', severity: null }), analysis('a2')], now: '2026-11-24T13:05:00.000Z' }));
    expect(buttons(r)).toEqual([RUN_ANALYSIS_ID]);
    const [list] = lists(r);
    expect(list.items).toEqual([
      {
        type: 'item',
        id: 'analysis-a1',
        title: 'Running',
        subtitle: '5 min ago · auto-analysis',
        action: { type: 'url', url: 'https://sigsentry.test/projects/shop/analyses/a1' },
      },
      {
        type: 'item',
        id: 'analysis-a2',
        title: 'Complete · High',
        subtitle: '5 min ago · auto-analysis',
        action: { type: 'url', url: 'https://sigsentry.test/projects/shop/analyses/a2' },
      },
    ]);
  });

  it.each(['pending', 'processing'] as const)('sidebar analysis %s: Refresh only, stored_data.analysisId', (status) => {
    const mine = analysis('s1', { status, severity: null, trigger: 'sidebar' });
    const r = buildPanel(base({ sidebarAnalysis: mine, analyses: [mine, analysis('a2')] }));
    expect(buttons(r)).toEqual([REFRESH_ID]);
    expect(r.canvas.stored_data).toEqual({ analysisId: 's1' });
    // shown once (in its own block), not repeated in the recent list
    expect(JSON.stringify(r).match(/analyses\/s1/g)).toHaveLength(1);
  });

  it('sidebar analysis complete: Run again, no Refresh', () => {
    const r = buildPanel(base({ sidebarAnalysis: analysis('s1', { trigger: 'sidebar' }) }));
    expect(buttons(r)).toEqual([RUN_AGAIN_ID]);
    expect(r.canvas.stored_data).toEqual({ analysisId: 's1' });
  });

  it('sidebar analysis failed / partial: one line why, then Run again', () => {
    const failed = buildPanel(
      base({
        sidebarAnalysis: analysis('s1', { status: 'failed', severity: null, errorMessage: 'LOG_SOURCE_NOT_CONFIGURED: the project has no log sources' }),
      }),
    );
    expect(buttons(failed)).toEqual([RUN_AGAIN_ID]);
    const errLine = comps(failed).find((c): c is TextComponent => c.type === 'text' && c.style === 'error');
    expect(errLine?.text).toBe('Failed: LOG_SOURCE_NOT_CONFIGURED: the project has no log sources');

    const partial = buildPanel(base({ sidebarAnalysis: analysis('s2', { status: 'partial', partialReasons: ['loki timed out', 'cloudwatch 403'] }) }));
    expect(texts(partial)).toContain('Partial: loki timed out; cloudwatch 403');
    expect(buttons(partial)).toEqual([RUN_AGAIN_ID]);
  });

  it('a linked conversation shows its incident (linked title, count, since, status) and "Not this incident"', () => {
    const incident = {
      ref: 'INC-7',
      title: 'checkout [errors]',
      status: 'open',
      conversationCount: 42,
      firstSeenAt: '2026-11-24T12:35:00.000Z',
      url: 'https://sigsentry.test/projects/shop/incidents/i7',
    };
    const r = buildPanel(base({ incident, analyses: [analysis('a1')], now: '2026-11-24T13:05:00.000Z' }));
    expect(buttons(r)).toEqual([NOT_THIS_INCIDENT_ID, RUN_ANALYSIS_ID]);
    expect(texts(r)).toContain('[INC-7 · checkout (errors)](https://sigsentry.test/projects/shop/incidents/i7)');
    const tables = comps(r).filter((c): c is DataTableComponent => c.type === 'data-table');
    expect(tables[1].items).toEqual([
      { type: 'field-value', field: 'Conversations', value: '42' },
      { type: 'field-value', field: 'Since', value: '30 min ago' },
      { type: 'field-value', field: 'Status', value: 'Open' },
    ]);
    // Without an incident: no incident block, no button.
    expect(buttons(buildPanel(base()))).toEqual([RUN_ANALYSIS_ID]);
  });

  it('canRunAgain: false hides Run analysis / Run again but keeps Refresh', () => {
    expect(buttons(buildPanel(base({ canRunAgain: false })))).toEqual([]);
    expect(buttons(buildPanel(base({ canRunAgain: false, sidebarAnalysis: analysis('s1') })))).toEqual([]);
    expect(buttons(buildPanel(base({ canRunAgain: false, sidebarAnalysis: analysis('s1', { status: 'pending' }) })))).toEqual([REFRESH_ID]);
  });

  it('shows user text literally (no Markdown injection) in summary, message, errors and names', () => {
    const evil = 'Hi [click](http://evil) **x** \u0000\u202E';
    const r = buildPanel(
      base({
        message: evil,
        triage: { ...base().triage!, summary: evil, affectedService: '[svc](http://evil)' },
        sidebarAnalysis: analysis('s1', { status: 'failed', errorMessage: evil }),
      }),
    );
    for (const t of texts(r)) {
      // no unescaped link syntax and no bold markers other than the panel's own section titles
      expect(t).not.toMatch(/\[[^\]]*\]\(/);
      expect(t.replace(/^\*\*[A-Za-z ]+\*\*$/, '')).not.toMatch(/\*/);
      // eslint-disable-next-line no-control-regex -- the control characters are what the test looks for
      expect(t).not.toMatch(/[\u0000\u202E]/);
    }
    expect(texts(r)).toContain('Hi [click]\u200b(http://evil) \u2217\u2217x\u2217\u2217');
    expect(texts(r)).toContain('Failed: Hi [click]\u200b(http://evil) \u2217\u2217x\u2217\u2217');
    // data-table values are not Markdown in Canvas Kit: kept as plain text
    expect(table(r)?.items[1].value).toBe('[svc](http://evil)');
  });

  it('500 analyses: at most 10 listed plus "and N more", within 64 KB, unique ids', () => {
    const many = Array.from({ length: 500 }, (_, i) => analysis(`a${i}`, { status: 'failed', errorMessage: 'e'.repeat(400) }));
    const r = buildPanel(base({ analyses: many, sidebarAnalysis: analysis('a0', { status: 'processing' }) }));
    expect(jsonBytes(r.canvas.content)).toBeLessThanOrEqual(CANVAS_LIMIT_BYTES);
    const recent = lists(r)[1];
    expect(recent.items).toHaveLength(11);
    expect(recent.items[10].title).toBe('and 489 more'); // a0 is the panel's own, shown above
    const ids = [...comps(r).map((c) => (c as { id?: string }).id), ...lists(r).flatMap((l) => l.items.map((i) => i.id))].filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('survives bad input: invalid time zone → UTC, bad dates → "—", non-http links dropped', () => {
    const r = buildPanel(base({ timezone: 'Mars/Olympus', analyses: [analysis('x', { url: 'javascript:alert(1)', createdAt: 'nope' })] }));
    expect(table(r)?.items[2].value).toBe('24 Nov 2026, 12:00 – 14:00 (UTC)');
    expect(lists(r)[0].items[0]).toEqual({ type: 'item', id: 'analysis-x', title: 'Complete · High', subtitle: '— · auto-analysis' });
  });
});

describe('time formatting', () => {
  it('formats windows across days and relative/absolute times in the zone', () => {
    expect(formatWindow({ start: '2026-11-24T22:30:00Z', end: '2026-11-25T01:00:00Z' }, 'America/New_York')).toBe(
      '24 Nov 2026, 17:30 – 20:00 (America/New_York)',
    );
    expect(formatWindow({ start: '2026-11-24T22:30:00Z', end: '2026-11-25T01:00:00Z' }, 'Europe/Paris')).toBe(
      '24 Nov 2026, 23:30 – 25 Nov 2026, 02:00 (Europe/Paris)',
    );
    const at = '2026-11-24T10:00:00Z';
    expect(formatWhen(at, 'Asia/Tokyo')).toBe('24 Nov 2026, 19:00');
    expect(formatWhen(at, 'UTC', '2026-11-24T10:00:30Z')).toBe('just now');
    expect(formatWhen(at, 'UTC', '2026-11-24T13:10:00Z')).toBe('3 h ago');
    expect(formatWhen(at, 'UTC', '2026-11-27T10:00:00Z')).toBe('24 Nov 2026, 10:00');
  });
});
