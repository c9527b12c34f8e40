/**
 * A corrected conversation keeps the agent's labels through later re-triage (issue 12): pure rules, no I/O.
 */
import { SEVERITY_ORDER, type Severity, type TriageEvidence, type TriageResult } from '@app/contracts';

/** What agents set on a conversation, from its standing corrections (newest wins per field). */
export interface AgentLabels {
  /** Absent: no agent set the severity. */
  severity?: Severity;
  /** Absent: no agent set the service; null: no service. */
  affectedService?: string | null;
  /** Who set them (for the evidence). */
  by: string;
}

/** The labels standing corrections (newest first) add up to; null when none set anything. */
export function agentLabels(
  corrections: ReadonlyArray<{ severity: string | null; serviceSet: boolean; affectedService: string | null; authorName: string | null }>,
): AgentLabels | null {
  const out: AgentLabels = { by: 'an agent' };
  for (const c of corrections) {
    if (out.severity === undefined && c.severity) {
      out.severity = c.severity as Severity;
      if (c.authorName) out.by = c.authorName;
    }
    if (out.affectedService === undefined && c.serviceSet) {
      out.affectedService = c.affectedService;
      if (out.by === 'an agent' && c.authorName) out.by = c.authorName;
    }
  }
  return out.severity === undefined && out.affectedService === undefined ? null : out;
}

/**
 * A re-triage of a corrected conversation: the agent's severity and service stay, unless the customer's new text
 * alone reads as more severe than the agent's level — then that severity is taken (the service stays the agent's).
 * `newTextSeverity` is the triage of the new customer text only.
 */
export function keepAgentLabels(result: TriageResult, agent: AgentLabels | null, newTextSeverity: Severity | null): TriageResult {
  if (!agent) return result;
  const evidence: TriageEvidence[] = [];
  let severity = result.severity;
  if (agent.severity !== undefined) {
    if (newTextSeverity && SEVERITY_ORDER[newTextSeverity] > SEVERITY_ORDER[agent.severity]) {
      severity = newTextSeverity;
      evidence.push({
        kind: 'correction',
        signal: 'correction.raised',
        match: '',
        detail: `${agent.by} set ${agent.severity}; the customer's new message reads as ${newTextSeverity}, so severity rose`,
      });
    } else {
      severity = agent.severity;
      evidence.push({ kind: 'correction', signal: 'correction.kept', match: '', detail: `severity ${agent.severity} as ${agent.by} set it` });
    }
  }
  let affectedService = result.affectedService;
  if (agent.affectedService !== undefined) {
    affectedService = agent.affectedService;
    evidence.push({
      kind: 'correction',
      signal: 'correction.kept',
      match: '',
      detail: agent.affectedService === null ? `no service, as ${agent.by} set it` : `service ${agent.affectedService} as ${agent.by} set it`,
    });
  }
  return { ...result, severity, affectedService, evidence: [...evidence, ...result.evidence] };
}
