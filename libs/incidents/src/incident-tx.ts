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
  const before = applyJoin(inc, row);
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

/**
 * A new conversation joined: inserts its link row, saves what the incident derives from it (as `joined`) and adds
 * the timeline events, in one statement (this runs for every conversation of an outage). Sets `link.id`.
 */
export async function insertJoined(
  m: EntityManager,
  inc: IncidentEntity,
  link: IncidentConversationEntity,
  events: (before: Severity) => Array<{ kind: IncidentEventKind; detail: string }>,
): Promise<{ before: Severity }> {
  const before = applyJoin(inc, link);
  const timeline = events(before);
  const [insert, params] = m
    .getRepository(IncidentConversationEntity)
    .createQueryBuilder()
    .insert()
    .values(link)
    .updateEntity(false)
    .returning(['id'])
    .getQueryAndParameters();
  const p = (i: number) => `$${params.length + i}`;
  const rows: Array<{ id: string }> = await m.query(
    `WITH l AS (${insert}),
     u AS (UPDATE incidents SET "conversationCount" = ${p(1)}, severity = ${p(2)}, "firstSeenAt" = ${p(3)}, "lastSeenAt" = ${p(4)},
             service = ${p(5)}, title = ${p(6)}, "updatedAt" = CURRENT_TIMESTAMP WHERE id = ${p(7)}),
     e AS (INSERT INTO incident_events ("incidentId", at, kind, detail)
             SELECT ${p(7)}, ${p(8)}::timestamptz + (x.o - 1) * interval '1 millisecond', x.kind, x.detail
             FROM unnest(${p(9)}::varchar[], ${p(10)}::varchar[]) WITH ORDINALITY AS x(kind, detail, o))
     SELECT id FROM l`,
    [
      ...params,
      inc.conversationCount,
      inc.severity,
      inc.firstSeenAt,
      inc.lastSeenAt,
      inc.service,
      inc.title,
      inc.id,
      new Date(),
      timeline.map((e) => e.kind),
      timeline.map((e) => e.detail.slice(0, 1000)),
    ],
  );
  link.id = rows[0].id;
  return { before };
}

/** What an incident derives from one more conversation, applied to it in memory; returns the severity it had. */
function applyJoin(inc: IncidentEntity, row: Pick<IncidentConversationEntity, 'severity' | 'seenAt' | 'service'>): Severity {
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
  return before;
}

export const escalated = (before: Severity, after: Severity) => SEVERITY_ORDER[after] > SEVERITY_ORDER[before];
