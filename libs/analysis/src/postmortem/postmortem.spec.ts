/* Pure: the Markdown postmortem of an engine result; user and log text cannot inject Markdown or HTML. */
import type { AnalysisResult } from '@app/contracts';
import { analyze } from '../engine/analyze';
import { generateScenario } from '../engine/scenarios/incident-generator';
import { buildPostmortem, codeSpan, escapeMarkdown } from './postmortem';

describe('buildPostmortem', () => {
  const s = generateScenario('upstream_timeout_chain', 4, { backgroundLines: 600 });
  const result = analyze({ entries: s.entries, baseline: s.baseline, window: s.window, services: s.services }) as AnalysisResult;
  const subject = {
    id: '6f1c1f3e-0000-4000-8000-000000000001',
    status: 'partial',
    description: 'Checkout <script>alert(1)</script> is **down** [click](http://evil.example)',
    trigger: 'sidebar' as const,
    createdAt: '2026-01-01T10:00:00.000Z',
    completedAt: '2026-01-01T10:00:05.000Z',
    partialReasons: ['loki timed out after 30000 ms'],
    result,
  };

  it('has every section, built from the result', () => {
    const md = buildPostmortem(subject);
    for (const h of ['# Postmortem:', '## Summary', '## Impact', '## Timeline', '## Root cause', '## Resolution', '## Detection']) expect(md).toContain(h);
    expect(md).toContain(result.rootCause.service);
    for (const svc of result.affectedServices) expect(md).toContain(escapeMarkdown(svc.serviceName));
    result.suggestedActions.forEach((a, i) => expect(md).toContain(`${i + 1}. **${escapeMarkdown(a.action)}**`));
    expect(md).toContain('Support desk: started by an agent from the Intercom sidebar');
    expect(md).toContain('**Caveats** (partial analysis)');
    expect(buildPostmortem(subject)).toBe(md);
  });

  it('escapes what users and logs wrote', () => {
    const md = buildPostmortem(subject);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('**down**');
    expect(md).not.toMatch(/\[click\]\(/);
    expect(md).toContain('&lt;script&gt;');
  });

  it('escapeMarkdown and codeSpan hold any text', () => {
    expect(escapeMarkdown('# title\nnext')).toBe('\\# title next');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('a|b *c* _d_ `e` ~f~ [g]')).toBe('a\\|b \\*c\\* \\_d\\_ \\`e\\` \\~f\\~ \\[g\\]');
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('has `tick` inside')).toBe('``has `tick` inside``');
    expect(codeSpan('`edge`')).toBe('`` `edge` ``');
  });
});
