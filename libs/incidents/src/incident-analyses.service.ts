import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { meetsThreshold, SEVERITY_ORDER, incidentRef, type IncidentAnalysisReason } from '@app/contracts';
import { AnalysesService, AnalysisEntity, TERMINAL_STATUSES, type AnalysisFinishedListener, type FinishedAnalysis } from '@app/analysis';
import { JobQueue } from '@app/core';
import { BindingEntity } from '@app/support-desk';
import { terms, unionWindow } from './engine';
import { IncidentAnalysisEntity, IncidentEntity } from './incident.entities';
import { IncidentTrackers } from './incident-trackers.service';
import { addEvent, linkedRows, lockProject, recompute } from './incident-tx';
import { INCIDENT_ANALYSIS_POST_QUEUE, type IncidentAnalysisPostPayload } from './incidents.queues';

/** Log-signature templates kept per incident as grouping evidence. */
const SIGNATURES_KEPT = 8;

/**
 * One analysis per incident (issue 14): started when the incident reaches the auto-analyze threshold of any linked
 * conversation's binding, again only when it escalates or an agent asks; when one finishes, every linked
 * conversation gets a posting job. Every method runs inside a transaction holding the project's incidents lock.
 */
@Injectable()
export class IncidentAnalyses implements AnalysisFinishedListener {
  private readonly logger = new Logger('incidents');

  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
    private readonly queue: JobQueue,
    private readonly trackers: IncidentTrackers,
  ) {}

  /**
   * After a link or an escalation: start the first analysis when a linked binding's threshold is met, or a new one
   * when the severity rose above the one the latest analysis covered. While an analysis runs, it covers the reports
   * that arrive (same outage, same window): an escalation then starts nothing, and the severity at its end is the one
   * it covered.
   */
  async maybeAnalyze(m: EntityManager, inc: IncidentEntity): Promise<AnalysisEntity | null> {
    if (inc.status !== 'open' || !inc.conversationCount) return null;
    if (inc.analysisId && SEVERITY_ORDER[inc.severity] <= SEVERITY_ORDER[inc.analysisSeverity ?? 'info']) return null;
    if (!(await this.meetsAnyThreshold(m, inc))) return null;
    if (!inc.analysisId) return this.start(m, inc, 'threshold');
    const latest = await m.getRepository(AnalysisEntity).findOne({ where: { id: inc.analysisId } });
    if (latest && !TERMINAL_STATUSES.includes(latest.status)) return null;
    return this.start(m, inc, 'escalation');
  }

  /** Does the incident's severity meet the auto-analyze threshold of an active binding of one of its conversations? */
  private async meetsAnyThreshold(m: EntityManager, inc: IncidentEntity): Promise<boolean> {
    const rows: Array<{ threshold: BindingEntity['autoAnalyzeThreshold'] }> = await m.query(
      `SELECT DISTINCT b."autoAnalyzeThreshold" AS threshold FROM support_desk_bindings b
       WHERE b.status = 'active' AND b.id IN (SELECT ic."bindingId" FROM incident_conversations ic WHERE ic."incidentId" = $1 AND ic.status = 'linked')`,
      [inc.id],
    );
    return rows.some((r) => meetsThreshold(inc.severity, r.threshold));
  }

  /**
   * An agent asked (the panel's Run analysis / Run again). Run analysis shows the incident's latest analysis (running
   * or with a result), or starts one when there is none or the latest failed (as Run analysis does for a single
   * conversation). Run again after analysis `afterId` starts a new one once that one finished and is still the latest
   * (a second click of the same button finds the one the first click started: callers hold the project lock).
   */
  async forAgent(m: EntityManager, inc: IncidentEntity, afterId: string | null, by: string): Promise<AnalysisEntity> {
    const latest = inc.analysisId ? await m.getRepository(AnalysisEntity).findOne({ where: { id: inc.analysisId } }) : null;
    if (latest && afterId === null && latest.status !== 'failed') return latest;
    if (latest && afterId !== null && (latest.id !== afterId || !TERMINAL_STATUSES.includes(latest.status))) return latest;
    return this.start(m, inc, 'agent', by);
  }

  private async start(m: EntityManager, inc: IncidentEntity, reason: IncidentAnalysisReason, by?: string): Promise<AnalysisEntity> {
    const rows = await linkedRows(m, inc.id);
    const w = unionWindow(
      rows.map((r) => ({ start: r.windowStart.getTime(), end: r.windowEnd.getTime() })),
      Date.now(),
    );
    const ref = incidentRef(inc.number);
    const services = [...new Set(rows.map((r) => r.service).filter(Boolean))].join(', ');
    const description = `Incident ${ref} (${inc.title}): ${rows.length} conversation${rows.length === 1 ? '' : 's'} about ${services || 'an unidentified service'}, severity ${inc.severity}, first seen ${inc.firstSeenAt.toISOString()}.`;
    const analysis = await this.analyses.createAnalysis(
      {
        tenantId: inc.tenantId,
        projectId: inc.projectId,
        description,
        timeStart: new Date(w.start),
        timeEnd: new Date(w.end),
        trigger: reason === 'agent' ? 'sidebar' : 'support_desk',
        triggeredBy: (by ?? `incident:${inc.id}`).slice(0, 80),
        // No binding or conversation: support-desk posts only single-conversation analyses; incidents posts this one.
        bindingId: null,
        conversationId: null,
        metadata: { incidentId: inc.id, incidentRef: ref, reason },
      },
      m,
    );
    await m.getRepository(IncidentAnalysisEntity).insert({ incidentId: inc.id, analysisId: analysis.id, reason, severity: inc.severity });
    inc.analysisId = analysis.id;
    inc.analysisSeverity = inc.severity;
    await m.getRepository(IncidentEntity).save(inc);
    const why =
      reason === 'threshold' ? 'the auto-analyze threshold was reached' : reason === 'escalation' ? `it escalated to ${inc.severity}` : 'an agent asked';
    await addEvent(
      m,
      inc.id,
      'analysis_started',
      `Analysis started because ${why} (window ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()})`,
    );
    this.logger.log({ event: 'incidents.analysis_started', incidentId: inc.id, analysisId: analysis.id, reason }, 'incident analysis started');
    return analysis;
  }

  /** Posting jobs for these conversations of the incident (in the caller's transaction). */
  async enqueuePosts(m: EntityManager, inc: IncidentEntity, analysisId: string, rows: Array<{ bindingId: string; conversationId: string }>): Promise<void> {
    if (!rows.length) return;
    await this.queue.enqueueMany<IncidentAnalysisPostPayload>(
      INCIDENT_ANALYSIS_POST_QUEUE.name,
      rows.map((r) => ({ data: { incidentId: inc.id, analysisId, bindingId: r.bindingId, conversationId: r.conversationId } })),
      { manager: m },
    );
  }

  /** analysis's AnalysisFinishedPort: an incident analysis finished (inside the transaction that stored it). */
  async analysisFinished(a: FinishedAnalysis, m: EntityManager): Promise<void> {
    const incidentId = a.metadata?.incidentId;
    if (!incidentId || a.bindingId) return;
    await lockProject(m, a.projectId);
    const inc = await m.getRepository(IncidentEntity).findOne({ where: { id: incidentId, projectId: a.projectId } });
    if (!inc) return;
    if (a.result) {
      inc.category = a.result.rootCause.category;
      const root = a.result.rootCause.service;
      if (!inc.service && root && root !== 'unknown') inc.service = root;
      inc.signatureTerms = (a.result.signatures ?? [])
        .slice(0, SIGNATURES_KEPT)
        .map((s) => terms(s.template.replace(/<\*>/g, ' '), 40))
        .filter((t) => t.length);
    }
    const title = inc.title;
    await recompute(m, inc);
    if (inc.title !== title) await this.trackers.syncAll(m, inc);
    await addEvent(
      m,
      inc.id,
      'analysis_finished',
      `Analysis ${a.status}${a.result ? `: ${a.result.rootCause.category} in ${a.result.rootCause.service}` : a.errorMessage ? `: ${a.errorMessage}` : ''}`,
    );
    if (inc.analysisId === a.id) {
      // Reports that came while it ran are covered by it: only a severity above this one escalates from now on.
      if (SEVERITY_ORDER[inc.severity] > SEVERITY_ORDER[inc.analysisSeverity ?? 'info']) {
        inc.analysisSeverity = inc.severity;
        await m.getRepository(IncidentEntity).update({ id: inc.id }, { analysisSeverity: inc.severity });
      }
      // The latest analysis is posted to every linked conversation (later joiners get it when they join).
      await this.enqueuePosts(m, inc, a.id, await linkedRows(m, inc.id));
    }
  }

  /** The incident's analyses, newest first. */
  list(incidentId: string) {
    return this.ds.getRepository(IncidentAnalysisEntity).find({ where: { incidentId }, order: { createdAt: 'DESC' } });
  }
}
