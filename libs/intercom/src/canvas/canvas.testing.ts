/** Test fixtures for the canvas builder and the panel (shared by the unit specs and test/canvas-kit-canvases.spec.ts). */
import { CanvasBuilder, type CanvasResponse } from './canvas-builder';
import type { PanelAnalysis, PanelView } from './panel';

export const panelAnalysis = (id: string, over: Partial<PanelAnalysis> = {}): PanelAnalysis => ({
  id,
  status: 'complete',
  severity: 'high',
  trigger: 'support_desk',
  createdAt: '2026-11-24T13:00:00.000Z',
  url: `https://sigsentry.test/projects/shop/analyses/${id}`,
  ...over,
});

/** A connected binding's panel for a triaged conversation, with `over` applied. */
export const panelView = (over: Partial<PanelView> = {}): PanelView => ({
  state: 'ok',
  timezone: 'Europe/Paris',
  triage: {
    severity: 'high',
    affectedService: 'checkout',
    window: { start: '2026-11-24T12:00:00.000Z', end: '2026-11-24T14:00:00.000Z' },
    summary: 'Checkout fails with 502 for many users',
    confidence: 0.82,
    createdAt: '2026-11-24T12:58:00.000Z',
  },
  analyses: [],
  sidebarAnalysis: null,
  ...over,
});

/** A canvas with every component type the builder makes. */
export function everyComponentCanvas(): CanvasResponse {
  return new CanvasBuilder()
    .header('Title')
    .text('para', { style: 'paragraph', align: 'center', id: 't1' })
    .text('muted', { style: 'muted' })
    .text('err', { style: 'error', align: 'right' })
    .submitButton('go', 'Go')
    .urlButton('open', 'Open', 'https://x.test/a', { style: 'link', disabled: true })
    .list([
      { id: 'a', title: 'A', subtitle: 'sub', tertiaryText: 'ter', url: 'http://x.test/1' },
      { id: 'b', title: 'B' },
    ])
    .dataTable([
      { field: 'Severity', value: 'high' },
      { field: 'Service', value: null },
    ])
    .divider()
    .spacer('m')
    .image('https://x.test/i.png', 10, 20, { align: 'full_width', rounded: true })
    .storedData({ analysisId: 'a1' })
    .build();
}
