import type { EntityManager } from 'typeorm';
import { SEVERITY_ORDER, type IncidentEventKind, type Severity } from '@app/contracts';
import { incidentTitle } from './engine';
import { IncidentConversationEntity, IncidentEntity, IncidentEventEntity } from './incident.entities';

/**
 * Everything that changes a project's incidents runs in a transaction holding this lock: grouping decisions,
 * links, merges, unlinks, analysis starts and the analysis-finished listener. So concurrent conversations of one
 * outage end up in one incident, and a conversation that joins while the analysis finishes is posted exactly once.
 */
export async function lockProject(m: EntityManager, projectId: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`incidents:${projectId}`]);
}

export async function addEvent(m: EntityManager, incidentId: string, kind: IncidentEventKind, detail: string, at = new Date()): Promise<void> {
  await m.getRepository(IncidentEventEntity).insert({ incidentId, kind, at, detail: detail.slice(0, 1000) });
}

export function linkedRows(m: EntityManager, incidentId: string): Promise<IncidentConversationEntity[]> {
  return m.getRepository(IncidentConversationEntity).find({ where: { incidentId, status: 'linked' }, order: { seenAt: 'ASC' } });
}

export const maxSeverity = (list: Severity[], floor: Severity = 'low'): Severity =>
  list.reduce<Severity>((a, b) => (SEVERITY_ORDER[b] > SEVERITY_ORDER[a] ? b : a), floor);

/**
 * Recomputes what an incident derives from its linked conversations (count, highest severity, first and last seen)
 * and saves it. Returns the severity it had before (escalation = it rose). An incident left without conversations
 * keeps its last severity and times.
 */
export async function recompute(m: EntityManager, inc: IncidentEntity): Promise<{ before: Severity }> {
  const before = inc.severity;
  const rows = await linkedRows(m, inc.id);
  inc.conversationCount = rows.length;
  if (rows.length) {
    inc.severity = maxSeverity(rows.map((r) => r.severity));
    inc.firstSeenAt = new Date(Math.min(...rows.map((r) => r.seenAt.getTime())));
    inc.lastSeenAt = new Date(Math.max(...rows.map((r) => r.seenAt.getTime())));
    if (!inc.service) inc.service = rows.find((r) => r.service)?.service ?? null;
  }
  if (inc.titleSetBy === 'auto') inc.title = incidentTitle(inc.service, inc.category);
  await m.getRepository(IncidentEntity).save(inc);
  return { before };
}

/** A conversation joined (a cheaper `recompute`): count, highest severity, first/last seen, service, title. */
export async function joined(
  m: EntityManager,
  inc: IncidentEntity,
  row: Pick<IncidentConversationEntity, 'severity' | 'seenAt' | 'service'>,
): Promise<{ before: Severity }> {
  const before = inc.severity;
  inc.conversationCount += 1;
  if (inc.conversationCount === 1) {
    inc.severity = row.severity;
    inc.firstSeenAt = row.seenAt;
    inc.lastSeenAt = row.seenAt;
  } else {
    inc.severity = maxSeverity([inc.severity, row.severity]);
    if (row.seenAt < inc.firstSeenAt) inc.firstSeenAt = row.seenAt;
    if (row.seenAt > inc.lastSeenAt) inc.lastSeenAt = row.seenAt;
  }
  if (!inc.service && row.service) inc.service = row.service;
  if (inc.titleSetBy === 'auto') inc.title = incidentTitle(inc.service, inc.category);
  await m.getRepository(IncidentEntity).update(
    { id: inc.id },
    {
      conversationCount: inc.conversationCount,
      severity: inc.severity,
      firstSeenAt: inc.firstSeenAt,
      lastSeenAt: inc.lastSeenAt,
      service: inc.service,
      title: inc.title,
    },
  );
  return { before };
}

export const escalated = (before: Severity, after: Severity) => SEVERITY_ORDER[after] > SEVERITY_ORDER[before];
