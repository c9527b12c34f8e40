import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { AnalysesService, AnalysisEntity } from '@app/analysis';
import { ProjectEntity } from '@app/projects';
import type { Principal } from '@app/accounts';
import { AppError } from '@app/core';
import { BindingEntity, BindingsService, LiveBindings } from '@app/support-desk';
import { IncidentsService } from '@app/incidents';
import { TriageFeedbackService, TriageRecords } from '@app/triage';
import type { TriageFeedbackRequest } from '@app/contracts';
import { intercomId } from './intercom.provider';
import {
  buildPanel,
  CANCEL_CORRECTION_ID,
  CanvasResponse,
  CORRECT_TRIAGE_ID,
  isFinished,
  NOT_THIS_INCIDENT_ID,
  PanelAnalysis,
  type PanelAnalysisStatus,
  PanelView,
  readCorrectionForm,
  RUN_AGAIN_ID,
  RUN_ANALYSIS_ID,
  REFRESH_ID,
  SAVE_CORRECTION_ID,
} from './canvas';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Canvas Kit request bodies are Intercom's JSON, read field by field with checks
type Json = Record<string, any>;

const FINISH_WAIT_MS = 1200;

/**
 * The Canvas Kit panel (contract §10): finds the binding by workspace and the conversation's triage and analyses,
 * and runs "Run analysis" with one-click-one-analysis semantics.
 */
@Injectable()
export class CanvasKitService {
  private readonly logger = new Logger('canvas-kit');

  constructor(
    private readonly ds: DataSource,
    private readonly analyses: AnalysesService,
    private readonly bindings: BindingsService,
    private readonly live: LiveBindings,
    private readonly triages: TriageRecords,
    private readonly incidents: IncidentsService,
    private readonly feedback: TriageFeedbackService,
  ) {}

  private async binding(workspaceId: unknown): Promise<BindingEntity | null> {
    if (typeof workspaceId !== 'string' || !workspaceId) return null;
    return (await this.live.byWorkspace('intercom', workspaceId))[0] ?? null;
  }

  private storedData(body: Json): Json {
    const s = body?.current_canvas?.stored_data ?? body?.stored_data;
    return s && typeof s === 'object' && !Array.isArray(s) ? s : {};
  }

  private conversationId(body: Json): string | null {
    // Untrusted JSON: only a string/number id fits (arrays, objects or over-long values are no conversation).
    return intercomId(body?.conversation?.id) ?? intercomId(body?.context?.conversation_id);
  }

  async initialize(body: Json): Promise<CanvasResponse> {
    const b = await this.binding(body?.workspace_id);
    if (!b) return buildPanel({ state: 'not_connected', timezone: 'UTC', triage: null, analyses: [], sidebarAnalysis: null });
    const conversationId = this.conversationId(body);
    return this.panel(b, conversationId, null, { nonce: true });
  }

  async submit(body: Json): Promise<CanvasResponse> {
    const b = await this.binding(body?.workspace_id);
    if (!b) return buildPanel({ state: 'not_connected', timezone: 'UTC', triage: null, analyses: [], sidebarAnalysis: null });
    const conversationId = this.conversationId(body);
    if (!conversationId) return this.panel(b, null, null, { message: 'Open a conversation to use SigSentry.' });
    if (b.status !== 'active') return this.panel(b, conversationId, null, {});
    const stored = this.storedData(body);
    const component = String(body?.component_id ?? '');
    const mine = typeof stored.analysisId === 'string' ? await this.sidebarAnalysis(b, conversationId, stored.analysisId) : null;
    if (component === CORRECT_TRIAGE_ID) return this.panel(b, conversationId, mine, { correcting: true });
    if (component === CANCEL_CORRECTION_ID) return this.panel(b, conversationId, mine, {});
    if (component === SAVE_CORRECTION_ID) return this.saveCorrection(b, conversationId, mine, body);

    if (mine) {
      if (!isFinished(mine.status as PanelAnalysisStatus) || component !== RUN_AGAIN_ID) return this.panel(b, conversationId, mine, {});
      const next = await this.startOrFind(b, conversationId, `after:${mine.id}`, body);
      return this.panel(b, conversationId, await this.settle(next), {});
    }
    if (component === RUN_ANALYSIS_ID || component === RUN_AGAIN_ID) {
      const key = typeof stored.panelNonce === 'string' && stored.panelNonce ? `nonce:${stored.panelNonce}` : null;
      const started = await this.startOrFind(b, conversationId, key, body);
      return this.panel(b, conversationId, await this.settle(started), {});
    }
    if (component === NOT_THIS_INCIDENT_ID) {
      const done = await this.incidents.unlinkConversation(b.id, conversationId, this.agent(body, b));
      return this.panel(b, conversationId, null, {
        nonce: true,
        message: done ? 'Taken out of the incident: this conversation is handled on its own again.' : 'This conversation is not in an incident any more.',
      });
    }
    if (component === REFRESH_ID) return this.panel(b, conversationId, null, { nonce: true });
    return this.panel(b, conversationId, null, { nonce: true, message: 'That action is not available any more: the panel was refreshed.' });
  }

  /** "Correct triage" from the panel: the author is the Intercom admin who submitted it; a refusal keeps the form open. */
  private async saveCorrection(b: BindingEntity, conversationId: string, mine: AnalysisEntity | null, body: Json): Promise<CanvasResponse> {
    const form = readCorrectionForm(body?.input_values) as TriageFeedbackRequest;
    const admin = { kind: 'intercom_admin' as const, id: intercomId(body?.admin?.id), name: body?.admin?.name ? String(body.admin.name).slice(0, 100) : null };
    try {
      const r = await this.feedback.correct(b, conversationId, form, admin);
      const message = `Triage corrected: ${r.triage.severity}, ${r.triage.affectedService ?? 'no service'}.`;
      return this.panel(b, conversationId, mine, { message });
    } catch (e) {
      if (e instanceof AppError) return this.panel(b, conversationId, mine, { correcting: true, message: e.message, messageStyle: 'error' });
      throw e;
    }
  }

  /** The canvas the SPA previews for a conversation of a binding of the caller (no panel-started analysis). */
  async preview(p: Pick<Principal, 'tenantId' | 'keyProjectId'>, bindingId: string, conversationId: string): Promise<CanvasResponse> {
    const b = await this.bindings.findInTenant(p.tenantId, bindingId);
    if (p.keyProjectId && p.keyProjectId !== b.projectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    return this.panel(b, conversationId, null, {});
  }

  /** The analysis a panel shows as its own: one it started, or one of the conversation's incident. */
  private async sidebarAnalysis(b: BindingEntity, conversationId: string, id: string): Promise<AnalysisEntity | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const own = await this.ds.getRepository(AnalysisEntity).findOne({ where: { id, bindingId: b.id, conversationId, trigger: 'sidebar' } });
    if (own || !(await this.incidents.isIncidentAnalysis(b.id, conversationId, id))) return own;
    return this.ds.getRepository(AnalysisEntity).findOne({ where: { id } });
  }

  private agent(body: Json, b: BindingEntity): string {
    return body?.admin?.id ? `intercom_admin:${String(body.admin.id).slice(0, 40)}` : `support_desk:${b.id}`;
  }

  /**
   * One click, one analysis: keyed by the canvas it came from; without a key an unfinished panel analysis is reused.
   * A conversation in an incident runs (or shows) the incident's analysis instead (contract §11).
   */
  private async startOrFind(b: BindingEntity, conversationId: string, key: string | null, body: Json): Promise<AnalysisEntity> {
    const after = key?.startsWith('after:') ? key.slice('after:'.length) : null;
    const incident = await this.incidents.runForConversation(b.id, conversationId, after, this.agent(body, b));
    if (incident) return incident;
    return this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sidebar:${b.id}:${conversationId}`]);
      const repo = m.getRepository(AnalysisEntity);
      const existing = key
        ? await repo
            .createQueryBuilder('a')
            .where("a.bindingId = :b AND a.conversationId = :c AND a.trigger = :t AND a.metadata->>'panelKey' = :k", {
              b: b.id,
              c: conversationId,
              t: 'sidebar',
              k: key,
            })
            .getOne()
        : await repo
            .createQueryBuilder('a')
            .where('a.bindingId = :b AND a.conversationId = :c AND a.trigger = :t AND a.status IN (:...s)', {
              b: b.id,
              c: conversationId,
              t: 'sidebar',
              s: ['pending', 'processing'],
            })
            .orderBy('a.createdAt', 'DESC')
            .getOne();
      if (existing) return existing;
      const triage = await this.triages.latest(b.id, conversationId);
      const project = await m.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
      const created = Number(body?.conversation?.created_at);
      const anchor = triage ? new Date(triage.result.window.end) : Number.isFinite(created) && created > 0 ? new Date(created * 1000) : new Date();
      const end = anchor.getTime() > Date.now() ? new Date() : anchor;
      let start = triage ? new Date(triage.result.window.start) : new Date(end.getTime() - b.timeBufferHours * 3_600_000);
      if (end.getTime() - start.getTime() > 24 * 3_600_000) start = new Date(end.getTime() - 24 * 3_600_000);
      if (start.getTime() >= end.getTime()) start = new Date(end.getTime() - b.timeBufferHours * 3_600_000);
      const admin = body?.admin?.name ? String(body.admin.name).slice(0, 100) : 'an agent';
      const description = `Run from the Intercom sidebar by ${admin}: ${triage?.result.summary || triage?.subject || `conversation ${conversationId}`}`.slice(
        0,
        5000,
      );
      const analysis = await this.analyses.createAnalysis(
        {
          tenantId: b.tenantId,
          projectId: b.projectId,
          description,
          timeStart: start,
          timeEnd: end,
          trigger: 'sidebar',
          triggeredBy: body?.admin?.id ? `intercom_admin:${String(body.admin.id).slice(0, 40)}` : `support_desk:${b.id}`,
          bindingId: b.id,
          conversationId,
          metadata: { panelKey: key ?? `auto:${randomBytes(6).toString('hex')}`, ticketId: conversationId, platform: 'intercom', project: project.slug },
        },
        m,
      );
      this.logger.log({ event: 'canvas.analysis_started', analysisId: analysis.id, bindingId: b.id }, 'sidebar analysis started');
      return analysis;
    });
  }

  /** Gives a just-started analysis a moment to settle (a project without sources fails at once), then re-reads it. */
  private async settle(a: AnalysisEntity): Promise<AnalysisEntity> {
    const until = Date.now() + FINISH_WAIT_MS;
    let cur = a;
    while (!isFinished(cur.status as PanelAnalysisStatus) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      cur = (await this.ds.getRepository(AnalysisEntity).findOne({ where: { id: a.id } })) ?? cur;
    }
    return cur;
  }

  private async panel(
    b: BindingEntity,
    conversationId: string | null,
    mine: AnalysisEntity | null,
    o: { nonce?: boolean; message?: string; messageStyle?: 'muted' | 'error'; correcting?: boolean },
  ): Promise<CanvasResponse> {
    if (b.status === 'needs_reinstall')
      return buildPanel({ state: 'needs_reinstall', timezone: b.timezone, triage: null, analyses: [], sidebarAnalysis: null });
    if (b.status === 'inactive') return buildPanel({ state: 'not_connected', timezone: 'UTC', triage: null, analyses: [], sidebarAnalysis: null });
    const project = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    const triage = conversationId ? await this.triages.latest(b.id, conversationId) : null;
    const linked = conversationId ? await this.incidents.incidentOf(b.id, conversationId) : null;
    const own = conversationId
      ? await this.ds.getRepository(AnalysisEntity).find({ where: { bindingId: b.id, conversationId }, order: { createdAt: 'DESC' }, take: 50 })
      : [];
    // A linked conversation lists its incident's analyses too.
    const ofIncident = linked?.analyses.length ? await this.ds.getRepository(AnalysisEntity).find({ where: { id: In(linked.analyses.map((a) => a.id)) } }) : [];
    const rows = [...own, ...ofIncident.filter((a) => !own.some((o) => o.id === a.id))].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime());
    const item = (a: AnalysisEntity): PanelAnalysis => ({
      id: a.id,
      status: a.status,
      severity: a.severity,
      trigger: a.trigger,
      createdAt: a.createdAt.toISOString(),
      url: this.analyses.analysisUrl(a, project.slug),
      errorMessage: a.errorMessage,
      partialReasons: a.partialReasons ?? [],
    });
    const view: PanelView = {
      state: 'ok',
      timezone: b.timezone,
      now: new Date().toISOString(),
      triage: triage
        ? {
            severity: triage.result.severity,
            affectedService: triage.result.affectedService,
            window: triage.result.window,
            summary: triage.result.summary,
            confidence: triage.result.confidence,
            createdAt: triage.createdAt.toISOString(),
          }
        : null,
      incident: linked ? { ...linked.incident } : null,
      analyses: rows.map(item),
      sidebarAnalysis: mine ? item(mine) : null,
      canRunAgain: !!conversationId,
      ...(o.message ? { message: o.message } : {}),
      ...(o.messageStyle ? { messageStyle: o.messageStyle } : {}),
      ...(triage ? { services: (project.services ?? []).map((x) => x.name), correcting: !!o.correcting } : {}),
    };
    const canvas = buildPanel(view);
    if (o.nonce && !mine) canvas.canvas.stored_data = { ...(canvas.canvas.stored_data ?? {}), panelNonce: randomBytes(9).toString('base64url') };
    return canvas;
  }
}
