/*
 * The product's Canvas Kit canvases, checked with the Intercom sandbox's validator (apps/intercom-sandbox, written
 * independently from the Intercom reference): a misreading of the canvas rules in the product shows up here instead
 * of being mirrored by a copy of the validator. Real: the canvas builder, buildPanel, the sandbox's validator.
 */
import { buildPanel, CanvasBuilder, type CanvasResponse, type PanelView } from '@app/intercom';
import { everyComponentCanvas, panelAnalysis, panelView } from '@app/intercom/testing';
import { validateCanvasResponse } from '../apps/intercom-sandbox/src/canvas.driver';

const analysis = panelAnalysis;
const view = panelView;

const evil = 'Hi [click](http://evil) **x** \u0000\u202E';

const panels: Array<[string, PanelView]> = [
  ['not connected', view({ state: 'not_connected', analyses: [analysis('a1')], sidebarAnalysis: analysis('a2') })],
  ['needs reinstall', view({ state: 'needs_reinstall' })],
  ['triaged, no analysis', view()],
  ['not triaged yet', view({ triage: null })],
  ['recent analyses', view({ analyses: [analysis('a1', { status: 'processing', severity: null }), analysis('a2')], now: '2026-11-24T13:05:00.000Z' })],
  ['sidebar analysis pending', view({ sidebarAnalysis: analysis('s1', { status: 'pending', severity: null, trigger: 'sidebar' }) })],
  ['sidebar analysis processing', view({ sidebarAnalysis: analysis('s1', { status: 'processing', severity: null, trigger: 'sidebar' }) })],
  ['sidebar analysis complete', view({ sidebarAnalysis: analysis('s1', { trigger: 'sidebar' }) })],
  ['sidebar analysis failed', view({ sidebarAnalysis: analysis('s1', { status: 'failed', severity: null, errorMessage: 'LOG_SOURCE_NOT_CONFIGURED' }) })],
  ['sidebar analysis partial', view({ sidebarAnalysis: analysis('s2', { status: 'partial', partialReasons: ['loki timed out', 'cloudwatch 403'] }) })],
  ['cannot run again', view({ canRunAgain: false, sidebarAnalysis: analysis('s1', { status: 'pending' }) })],
  [
    'hostile user text',
    view({
      message: evil,
      triage: { ...view().triage!, summary: evil, affectedService: '[svc](http://evil)' },
      sidebarAnalysis: analysis('s1', { status: 'failed', errorMessage: evil }),
    }),
  ],
  [
    '500 analyses',
    view({
      analyses: Array.from({ length: 500 }, (_, i) => analysis(`a${i}`, { status: 'failed', errorMessage: 'e'.repeat(400) })),
      sidebarAnalysis: analysis('a0', { status: 'processing' }),
    }),
  ],
  ['bad zone, dates and links', view({ timezone: 'Mars/Olympus', analyses: [analysis('x', { url: 'javascript:alert(1)', createdAt: 'nope' })] })],
];

const builderCanvases: Array<[string, () => CanvasResponse]> = [
  ['every component type', everyComponentCanvas],
  [
    'suffixed list ids',
    () =>
      new CanvasBuilder()
        .submitButton('a', 'A')
        .list([
          { id: 'a', title: '1' },
          { id: 'a', title: '2' },
          { id: 'a b', title: '3' },
        ])
        .build(),
  ],
  [
    'list cut to maxItems',
    () =>
      new CanvasBuilder()
        .list(
          Array.from({ length: 25 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}` })),
          { id: 'l', maxItems: 5, moreUrl: 'https://x.test/all' },
        )
        .build(),
  ],
  [
    'list trimmed to 64 KB',
    () =>
      new CanvasBuilder()
        .header('h')
        .list(
          Array.from({ length: 500 }, (_, i) => ({
            id: `analysis-${i}`,
            title: `T${i} `.padEnd(200, 'x'),
            subtitle: 's'.repeat(200),
            url: `https://app.test/a/${i}`,
          })),
          { id: 'l' },
        )
        .build(),
  ],
];

describe("the product's canvases pass the sandbox's Canvas Kit validator", () => {
  it.each(panels)('panel: %s', (_name, v) => {
    expect(validateCanvasResponse(buildPanel(v))).toEqual([]);
  });

  it.each(builderCanvases)('builder: %s', (_name, build) => {
    expect(validateCanvasResponse(build())).toEqual([]);
  });

  it('the check can fail: a button without an action, an unknown component and a numeric table value are reported', () => {
    const r = buildPanel(view()) as unknown as { canvas: { content: { components: unknown[] } } };
    r.canvas.content.components.push(
      { type: 'button', id: 'broken', label: 'x' },
      { type: 'carousel' },
      { type: 'data-table', items: [{ type: 'field-value', field: 'Confidence', value: 0.8 }] },
    );
    const errors = validateCanvasResponse(r);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/missing required field 'action'[\s\S]*unknown component type "carousel"[\s\S]*field-value/);
  });
});
