import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import {
  meetsThreshold,
  SEVERITIES,
  type Severity,
  type TriageAgreementRow,
  type TriageEvidence,
  type TriageFeedbackAuthor,
  type TriageFeedbackRequest,
  type TriageFeedbackResult,
  type TriageFeedbackStats,
  type TriageFeedbackView,
  type TriageReason,
  type TriageRemovedWord,
} from '@app/contracts';
import { AppError, page, type Page } from '@app/core';
import { ProjectsService, type ProjectEntity } from '@app/projects';
import { AttributesService, BindingEntity } from '@app/support-desk';
import { ConversationTriagedPort } from '../conversation-triaged.port';
import { learnedWords, MAX_CORRECTIONS } from '../engine';
import { bindingGate } from '../jobs/conversation-plan';
import { ConversationAutoAnalysis } from '../jobs/conversation-auto-analysis';
import { TriageRecords } from '../triage-records.service';
import { TriageEntity } from '../triage.entity';
import { ProjectCorrections } from './project-corrections';
import { TriageCorrectionEntity, TriageRemovedWordEntity } from './triage-feedback.entities';

const EXCERPT = 300;
const WEEKS = 26;

const label = (s: string | null) => (s === null ? 'no service' : s);

/**
 * Agents' corrections of triage (issue 12, contract §5 "triage that learns"): stored as labelled examples of the
 * project, written back to the conversation's attributes (no note is posted), handed to the incidents seam and the
 * auto-analysis gate like a re-triage, and read back as a list, agreement figures and learned words.
 */
@Injectable()
export class TriageFeedbackService {
  private readonly logger = new Logger('triage');

  constructor(
    private readonly ds: DataSource,
    private readonly records: TriageRecords,
    private readonly projects: ProjectsService,
    private readonly corrections: ProjectCorrections,
    private readonly attributes: AttributesService,
    private readonly seam: ConversationTriagedPort,
    private readonly autoAnalysis: ConversationAutoAnalysis,
  ) {}

  /** Who a SigSentry caller is, for the record (a user by name; an API key by its name). */
  async authorOf(p: { userId: string | null; keyId: string | null }): Promise<TriageFeedbackAuthor> {
    if (p.userId) {
      const [u] = await this.ds.query(`SELECT name FROM users WHERE id = $1`, [p.userId]);
      return { kind: 'user', id: p.userId, name: u?.name ?? null };
    }
    const [k] = p.keyId ? await this.ds.query(`SELECT name FROM api_keys WHERE id = $1`, [p.keyId]) : [];
    return { kind: 'api_key', id: p.keyId, name: k?.name ?? null };
  }

  /** Stores an agent's correction of a conversation of `b` and applies it. */
  async correct(b: BindingEntity, conversationId: string, body: TriageFeedbackRequest, author: TriageFeedbackAuthor): Promise<TriageFeedbackResult> {
    const setSeverity = body.severity !== undefined && body.severity !== null;
    const setService = body.affectedService !== undefined;
    if (!setSeverity && !setService)
      throw new AppError('EMPTY_CORRECTION', 'Give severity and/or affectedService (an omitted field is left unchanged; affectedService null = no service)');
    if (setSeverity && !SEVERITIES.includes(body.severity!))
      throw new AppError('VALIDATION_ERROR', `severity must be one of ${SEVERITIES.join(', ')}`, {
        fields: [{ field: 'severity', message: `severity must be one of ${SEVERITIES.join(', ')}` }],
      });
    const project = await this.project(b.projectId);
    const service = setService ? this.catalogueName(project, body.affectedService ?? null) : null;
    const latest = await this.records.latest(b.id, conversationId);
    if (!latest) throw new AppError('NOT_FOUND', 'This conversation has no triage to correct');

    const before = { severity: latest.result.severity, affectedService: latest.result.affectedService };
    const after = { severity: setSeverity ? body.severity! : before.severity, affectedService: setService ? service : before.affectedService };
    const who = author.name ?? (author.kind === 'intercom_admin' ? 'an Intercom admin' : 'an agent');
    const changes = [
      setSeverity ? `severity ${after.severity}${after.severity === before.severity ? ' (confirmed)' : ` (triage said ${before.severity})`}` : null,
      setService
        ? `service ${label(after.affectedService)}${after.affectedService === before.affectedService ? ' (confirmed)' : ` (triage said ${label(before.affectedService)})`}`
        : null,
    ].filter(Boolean);
    const evidence: TriageEvidence = { kind: 'correction', signal: 'correction.agent', match: '', detail: `${who} set ${changes.join(' and ')}` };

    const { correction, triage } = await this.ds.transaction(async (m) => {
      // One correction of a conversation at a time: "before" is what the conversation said just before this one.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`triage-feedback:${b.id}:${conversationId}`]);
      const current = (await m.getRepository(TriageEntity).findOne({ where: { bindingId: b.id, conversationId }, order: { createdAt: 'DESC' } }))!;
      const base = { severity: current.result.severity, affectedService: current.result.affectedService };
      const row = await m.getRepository(TriageCorrectionEntity).save(
        m.getRepository(TriageCorrectionEntity).create({
          tenantId: b.tenantId,
          projectId: b.projectId,
          bindingId: b.id,
          conversationId,
          correctedTriageId: current.id,
          triageId: null,
          subject: current.subject,
          text: current.text,
          beforeSeverity: base.severity,
          beforeService: base.affectedService,
          severity: setSeverity ? after.severity : null,
          serviceSet: setService,
          affectedService: setService ? after.affectedService : null,
          author,
          undoneAt: null,
          undoneBy: null,
        }),
      );
      const t = await this.storeTriage(m.getRepository(TriageEntity), current, 'correction', {
        ...current.result,
        severity: setSeverity ? after.severity : base.severity,
        affectedService: setService ? after.affectedService : base.affectedService,
        evidence: [evidence, ...current.result.evidence.filter((e) => e.signal !== 'correction.agent')],
      });
      row.triageId = t.id;
      await m.getRepository(TriageCorrectionEntity).update({ id: row.id }, { triageId: t.id });
      return { correction: row, triage: t };
    });
    this.corrections.invalidate(b.projectId);
    this.logger.log({ event: 'triage.corrected', correctionId: correction.id, bindingId: b.id, conversationId }, 'triage corrected by an agent');
    const attributes = await this.apply(b, project, conversationId, triage);
    return {
      feedback: this.view(correction),
      triage: { id: triage.id, severity: triage.result.severity, affectedService: triage.result.affectedService, evidence: triage.result.evidence },
      attributes,
    };
  }

  /** Undoes a correction: it no longer teaches; if it is still the conversation's last word, triage's labels return. */
  async undo(projectId: string, id: string, author: TriageFeedbackAuthor): Promise<TriageFeedbackView> {
    const repo = this.ds.getRepository(TriageCorrectionEntity);
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findOne({ where: { id, projectId } }) : null;
    if (!row) throw new AppError('NOT_FOUND', 'Correction not found');
    const done = await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`triage-feedback:${row.bindingId}:${row.conversationId}`]);
      const res = await m
        .createQueryBuilder()
        .update(TriageCorrectionEntity)
        .set({ undoneAt: () => 'now()', undoneBy: author })
        .where('id = :id AND "undoneAt" IS NULL', { id: row.id })
        .execute();
      if (!res.affected) return null;
      const triages = m.getRepository(TriageEntity);
      const latest = await triages.findOne({ where: { bindingId: row.bindingId, conversationId: row.conversationId }, order: { createdAt: 'DESC' } });
      if (!latest || latest.id !== row.triageId) return { restored: null };
      const previous = await triages
        .createQueryBuilder('t')
        .where('t.bindingId = :b AND t.conversationId = :c AND t.createdAt < :at', { b: row.bindingId, c: row.conversationId, at: latest.createdAt })
        .orderBy('t.createdAt', 'DESC')
        .getOne();
      if (!previous) return { restored: null };
      const who = author.name ?? 'an agent';
      const restored = await this.storeTriage(triages, latest, 'correction_undo', {
        ...previous.result,
        evidence: [{ kind: 'correction', signal: 'correction.undone', match: '', detail: `${who} undid a correction` }, ...previous.result.evidence],
      });
      return { restored };
    });
    if (!done) throw new AppError('CORRECTION_ALREADY_UNDONE', 'This correction was already undone');
    this.corrections.invalidate(projectId);
    this.logger.log({ event: 'triage.correction_undone', correctionId: row.id }, 'triage correction undone');
    if (done.restored) {
      const binding = await this.ds.getRepository(BindingEntity).findOne({ where: { id: row.bindingId } });
      if (binding) await this.apply(binding, await this.project(binding.projectId), row.conversationId, done.restored);
    }
    return this.view((await repo.findOne({ where: { id: row.id } }))!);
  }

  /** One page of the project's corrections, newest first (undone ones too, marked). */
  async list(projectId: string, pageNo: number, limit: number): Promise<Page<TriageFeedbackView>> {
    const [rows, total] = await this.ds
      .getRepository(TriageCorrectionEntity)
      .findAndCount({ where: { projectId }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (pageNo - 1) * limit, take: limit });
    return page(
      rows.map((r) => this.view(r)),
      total,
      pageNo,
      limit,
    );
  }

  /** Agreement (how often agents left triage as it was), the corrections used and the learned words. */
  async stats(projectId: string): Promise<TriageFeedbackStats> {
    // Per conversation: the machine's first triage (what agents saw) and whether a standing correction changed it.
    const base = `
      WITH first AS (
        SELECT DISTINCT ON ("bindingId", "conversationId") "bindingId", "conversationId", severity, "affectedService", "createdAt"
        FROM triages WHERE "projectId" = $1 AND reason IN ('created', 'customer_reply')
        ORDER BY "bindingId", "conversationId", "createdAt"
      ), fixed AS (
        SELECT "bindingId", "conversationId",
               bool_or(severity IS NOT NULL AND severity <> "beforeSeverity") AS sev,
               bool_or("serviceSet" AND "affectedService" IS DISTINCT FROM "beforeService") AS svc
        FROM triage_corrections WHERE "projectId" = $1 AND "undoneAt" IS NULL GROUP BY "bindingId", "conversationId"
      )
      SELECT f.severity, f."affectedService", f."createdAt", coalesce(x.sev, false) AS sev, coalesce(x.svc, false) AS svc
      FROM first f LEFT JOIN fixed x ON x."bindingId" = f."bindingId" AND x."conversationId" = f."conversationId"`;
    const rows: Array<{ severity: Severity; affectedService: string | null; createdAt: Date; sev: boolean; svc: boolean }> = await this.ds.query(base, [
      projectId,
    ]);
    const row = (key: string | null, triaged: number, corrected: number): TriageAgreementRow => ({
      key,
      triaged,
      corrected,
      agreement: triaged ? Math.round(((triaged - corrected) / triaged) * 1000) / 1000 : null,
    });
    const group = <K extends string | null>(keyOf: (r: (typeof rows)[number]) => K, wrong: (r: (typeof rows)[number]) => boolean) => {
      const m = new Map<K, [number, number]>();
      for (const r of rows) {
        const k = keyOf(r);
        const v = m.get(k) ?? [0, 0];
        v[0]++;
        if (wrong(r)) v[1]++;
        m.set(k, v);
      }
      return m;
    };
    const sev = group(
      (r) => r.severity,
      (r) => r.sev,
    );
    const svc = group(
      (r) => r.affectedService,
      (r) => r.svc,
    );
    const weekOf = (d: Date) => {
      const t = new Date(d);
      const day = (t.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - day)).toISOString().slice(0, 10);
    };
    const weeks = group(
      (r) => weekOf(r.createdAt),
      (r) => r.sev || r.svc,
    );
    const corrected = rows.filter((r) => r.sev || r.svc).length;
    const [counts] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE "undoneAt" IS NULL)::int AS standing, count(*) FILTER (WHERE "undoneAt" IS NOT NULL)::int AS undone
       FROM triage_corrections WHERE "projectId" = $1`,
      [projectId],
    );
    const prepared = await this.corrections.forProject(projectId);
    const removed: Array<{ word: string }> = await this.ds.query(`SELECT word FROM triage_removed_words WHERE "projectId" = $1 ORDER BY word`, [projectId]);
    return {
      triaged: rows.length,
      corrected,
      agreement: row(null, rows.length, corrected).agreement,
      bySeverity: SEVERITIES.filter((s) => sev.has(s)).map((s) => row(s, ...sev.get(s)!)),
      byService: [...svc.entries()].sort((a, b) => b[1][0] - a[1][0] || String(a[0]).localeCompare(String(b[0]))).map(([k, v]) => row(k, ...v)),
      overTime: [...weeks.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .slice(-WEEKS)
        .map(([k, v]) => row(k, ...v)),
      corrections: { standing: counts.standing, undone: counts.undone, used: Math.min(counts.standing, MAX_CORRECTIONS), max: MAX_CORRECTIONS },
      learnedWords: prepared ? learnedWords(prepared) : [],
      removedWords: removed.map((r) => r.word),
    };
  }

  /** Removes a learned word from the project: it is not learned again (until the removal is deleted with the project). */
  async removeWord(projectId: string, rawWord: string, author: TriageFeedbackAuthor): Promise<TriageRemovedWord> {
    const word = String(rawWord ?? '')
      .trim()
      .toLowerCase();
    const prepared = word ? await this.corrections.forProject(projectId) : null;
    const learned = prepared ? learnedWords(prepared).some((w) => w.word.toLowerCase() === word) : false;
    if (!learned) throw new AppError('NOT_FOUND', 'Not a learned word of this project');
    const repo = this.ds.getRepository(TriageRemovedWordEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ projectId, word: word.slice(0, 100), removedBy: author })
      .orIgnore()
      .execute();
    const row = (await repo.findOne({ where: { projectId, word: word.slice(0, 100) } }))!;
    this.corrections.invalidate(projectId);
    this.logger.log({ event: 'triage.learned_word_removed', projectId }, 'learned word removed');
    return { word: row.word, removedAt: row.createdAt.toISOString() };
  }

  /** Attributes, the incidents seam and the auto-analysis gate, as a re-triage would; never a note. */
  private async apply(b: BindingEntity, project: ProjectEntity, conversationId: string, triage: TriageEntity) {
    const mapped = [b.attributeMapping?.severity, b.attributeMapping?.affected_service].filter((x): x is string => !!x);
    if (!bindingGate(b).go) return { written: [], dropped: mapped };
    let attributes: { written: string[]; dropped: string[] };
    try {
      attributes = await this.attributes.write(
        b,
        conversationId,
        { severity: triage.result.severity, affected_service: triage.result.affectedService ?? '' },
        { final: true },
      );
    } catch (e) {
      this.logger.warn({ event: 'triage.correction_attributes_failed', bindingId: b.id, err: (e as Error).message }, 'attributes not written');
      attributes = { written: [], dropped: mapped };
    }
    const decision = await this.seam.conversationTriaged({
      tenantId: b.tenantId,
      projectId: b.projectId,
      bindingId: b.id,
      platform: b.platform,
      conversationId,
      triageId: triage.id,
      reason: triage.reason as 'correction' | 'correction_undo',
      isUpdate: true,
      subject: triage.subject,
      customerName: triage.customerName,
      conversationCreatedAt: triage.conversationCreatedAt,
      result: triage.result,
    });
    if (decision.autoAnalysis === 'per_conversation' && meetsThreshold(triage.result.severity, b.autoAnalyzeThreshold)) {
      try {
        await this.autoAnalysis.start(b, project, conversationId, triage, { final: true });
      } catch (e) {
        this.logger.warn({ event: 'triage.correction_analysis_failed', bindingId: b.id, err: (e as Error).message }, 'auto-analysis not started');
      }
    }
    return attributes;
  }

  private storeTriage(repo: Repository<TriageEntity>, from: TriageEntity, reason: TriageReason, result: TriageEntity['result']): Promise<TriageEntity> {
    return repo.save({
      tenantId: from.tenantId,
      projectId: from.projectId,
      bindingId: from.bindingId,
      conversationId: from.conversationId,
      eventId: randomUUID(),
      reason,
      subject: from.subject,
      customerName: from.customerName,
      text: from.text,
      conversationCreatedAt: from.conversationCreatedAt,
      severity: result.severity,
      affectedService: result.affectedService,
      result,
    });
  }

  private async project(id: string): Promise<ProjectEntity> {
    const p = await this.projects.findById(id);
    if (!p) throw new Error(`project ${id} not found`);
    return p;
  }

  /** The catalogue's spelling of a service (case-insensitive); null stays null; anything else is 400. */
  private catalogueName(project: ProjectEntity, name: string | null): string | null {
    if (name === null) return null;
    const wanted = name.trim().toLowerCase();
    const hit = (project.services ?? []).find((s) => s.name.toLowerCase() === wanted);
    if (!hit)
      throw new AppError('UNKNOWN_SERVICE', `"${name.slice(0, 100)}" is not a service of this project`, {
        service: name.slice(0, 100),
        known: (project.services ?? []).map((s) => s.name),
      });
    return hit.name;
  }

  private view(r: TriageCorrectionEntity): TriageFeedbackView {
    const before = { severity: r.beforeSeverity as Severity, affectedService: r.beforeService };
    return {
      id: r.id,
      bindingId: r.bindingId,
      conversationId: r.conversationId,
      subject: r.subject,
      excerpt: r.text.length > EXCERPT ? `${r.text.slice(0, EXCERPT)}…` : r.text,
      before,
      after: { severity: (r.severity ?? before.severity) as Severity, affectedService: r.serviceSet ? r.affectedService : before.affectedService },
      set: { severity: r.severity !== null, affectedService: r.serviceSet },
      author: r.author,
      createdAt: r.createdAt.toISOString(),
      undoneAt: r.undoneAt ? r.undoneAt.toISOString() : null,
      undoneBy: r.undoneBy,
    };
  }
}
