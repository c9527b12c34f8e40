/**
 * A GitHub-flavoured Markdown postmortem built from an analysis result only (reference §2.10): title, summary,
 * impact, timeline, root cause, resolution (the suggested actions as steps), detection. Text that came from users or
 * logs is escaped (or put in code spans) so it cannot inject Markdown or HTML. Deterministic and pure.
 */
import type { AnalysisResult, AnalysisTrigger } from '@app/contracts';

export interface PostmortemSubject {
  id: string;
  status: string;
  description: string;
  trigger: AnalysisTrigger;
  createdAt: string;
  completedAt: string | null;
  partialReasons: string[];
  result: AnalysisResult;
}

/** How the incident was brought to us, by trigger (reference §2.10 "Detection method"). */
const DETECTION: Record<AnalysisTrigger, string> = {
  dashboard: 'Manual: started from the dashboard',
  api: 'API: started by an integration (API key)',
  support_desk: 'Support desk: started automatically from a customer conversation',
  sidebar: 'Support desk: started by an agent from the Intercom sidebar',
};

/** Escapes inline Markdown and HTML (emphasis, code, links, tables, tags, entities) and a leading block marker. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
}

/** An inline code span that holds any text (a fence longer than any backtick run inside). */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function titleCase(s: string): string {
  return s.replace(/\b([a-z])([a-z]*)/g, (_, a: string, b: string) => a.toUpperCase() + b);
}

function titleOf(r: AnalysisResult): string {
  const category = r.rootCause.category === 'unknown' ? 'Incident' : `${r.rootCause.category.replace(/_/g, ' ')} incident`;
  return titleCase(`${category} in ${r.rootCause.service}`);
}

export function buildPostmortem(a: PostmortemSubject): string {
  const r = a.result;
  const out: string[] = [];
  out.push(`# Postmortem: ${escapeMarkdown(titleOf(r))}`, '');
  out.push(
    `| | |`,
    `|---|---|`,
    `| Severity | ${escapeMarkdown(r.severity)} |`,
    `| Confidence | ${Math.round(r.confidence * 100)}% |`,
    `| Window | ${escapeMarkdown(r.timeWindow.start)} – ${escapeMarkdown(r.timeWindow.end)} |`,
    `| Logs scanned | ${r.logsScanned} |`,
    `| Analysis | ${a.id} (${escapeMarkdown(a.status)}) |`,
    '',
  );

  out.push('## Summary', '', escapeMarkdown(r.summary), '');
  out.push('Reported as:', '', `> ${escapeMarkdown(a.description)}`, '');

  out.push('## Impact', '');
  if (r.affectedServices.length) {
    out.push('| Service | Role | Errors | First seen | Last seen |', '|---|---|---|---|---|');
    for (const s of r.affectedServices)
      out.push(`| ${escapeMarkdown(s.serviceName)} | ${s.role} | ${s.errorCount} | ${escapeMarkdown(s.firstSeen)} | ${escapeMarkdown(s.lastSeen)} |`);
  } else out.push('No service logged errors in the window.');
  out.push('');

  out.push('## Timeline', '');
  if (r.timeline.length) {
    for (const t of r.timeline)
      out.push(`- **${escapeMarkdown(t.timestamp)}** ${escapeMarkdown(t.service)} (${t.level})${t.isRootCause ? ' — root cause' : ''}: ${codeSpan(t.message)}`);
  } else out.push('No timeline events were found in the window.');
  out.push('');

  out.push('## Root cause', '');
  out.push(`- Service: ${escapeMarkdown(r.rootCause.service)}`);
  out.push(`- Category: ${escapeMarkdown(r.rootCause.category)}`);
  out.push(`- Error type: ${codeSpan(r.rootCause.errorType)}`);
  out.push('', escapeMarkdown(r.rootCause.description), '');
  const sigs = (r.signatures ?? []).slice(0, 5);
  if (sigs.length) {
    out.push('Top error signatures:', '');
    for (const s of sigs)
      out.push(`- ${escapeMarkdown(s.service)}: ${codeSpan(s.template)} — ${s.count}× (${s.isNew ? 'new' : `${s.baselineCount}× in the baseline`})`);
    out.push('');
  }

  out.push('## Resolution', '');
  if (r.suggestedActions.length) {
    const actions = [...r.suggestedActions].sort((x, y) => x.priority - y.priority);
    actions.forEach((act, i) => out.push(`${i + 1}. **${escapeMarkdown(act.action)}** (${act.type}) — ${escapeMarkdown(act.rationale)}`));
  } else out.push('No action was suggested.');
  out.push('');

  out.push('## Detection', '');
  out.push(`- ${DETECTION[a.trigger] ?? escapeMarkdown(a.trigger)}`);
  out.push(`- Analysis started ${escapeMarkdown(a.createdAt)}${a.completedAt ? `, finished ${escapeMarkdown(a.completedAt)}` : ''}`);
  if (a.partialReasons.length) {
    out.push('', '**Caveats** (partial analysis):', '');
    for (const reason of a.partialReasons) out.push(`- ${escapeMarkdown(reason)}`);
  }
  out.push('');
  return out.join('\n');
}
