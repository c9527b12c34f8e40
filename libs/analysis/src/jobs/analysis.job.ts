import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalysisResult } from '@app/contracts';
import { APP_CONFIG, type AppConfig, JobQueue } from '@app/core';
import { LogSourceSlots, LogSourcesService } from '@app/log-sources';
import { ProjectEntity } from '@app/projects';
import { AnalysesService, TERMINAL_STATUSES } from '../analyses.service';
import { AnalysisEntity } from '../analysis.entity';
import { AnalysisFinishedPort } from '../analysis-finished.port';
import { ANALYSIS_RUN_QUEUE, type AnalysisRunJob } from '../analysis.queues';
import { createAnalyzer } from '../engine';
import { collectLogs } from '../log-collector';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REASONS = 50;
const MAX_REASON_CHARS = 1000;

interface Terminal {
  status: 'complete' | 'partial' | 'failed';
  result?: AnalysisResult | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  partialReasons?: string[];
}

/**
 * The analysis pipeline (queue `analysis.run`): query every active log source of the project for the window and a
 * baseline, run the engine, store the result (never the logs). Idempotent: a finished analysis is left alone.
 */
@Injectable()
export class AnalysisJob implements OnModuleInit {
  private readonly logger = new Logger('analysis.job');

  constructor(
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly logSources: LogSourcesService,
    private readonly finished: AnalysisFinishedPort,
    private readonly analyses: AnalysesService,
    private readonly slots: LogSourceSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Per source: a wait for a query slot (≤ LOG_SOURCE_TIMEOUT_MS), then the window and the baseline query
    // (≤ LOG_SOURCE_TIMEOUT_MS each); leave room for the engine.
    const expire = Math.max(600, Math.ceil((3 * this.config.logSourceTimeoutMs) / 1000) + 600);
    this.queue.define({ ...ANALYSIS_RUN_QUEUE, expireInSeconds: expire });
    // The payload is read defensively: a job may have been enqueued by hand or by an older version.
    this.queue.handle<Partial<Record<keyof AnalysisRunJob, unknown>>>(ANALYSIS_RUN_QUEUE.name, (data) => this.handle(data));
  }

  async handle(data: { analysisId?: unknown } | null | undefined): Promise<void> {
    const id = data && typeof data === 'object' ? data.analysisId : undefined;
    if (typeof id !== 'string' || !UUID.test(id)) {
      this.logger.warn({ event: 'analysis.bad_job', data: typeof data }, 'analysis job without a valid analysisId; dropped');
      return;
    }
    try {
      await this.run(id);
    } catch (err) {
      this.logger.error({ event: 'analysis.crashed', analysisId: id, err }, 'analysis pipeline error');
      // Mark it failed with a safe message; if even that fails (database down) the job is retried.
      await this.finish(id, {
        status: 'failed',
        errorCode: 'ANALYSIS_FAILED',
        errorMessage: 'The analysis could not be completed because of an internal error. Try again; if it persists, contact support.',
      });
    }
  }

  async run(id: string): Promise<void> {
    const repo = this.ds.getRepository(AnalysisEntity);
    const a = await repo.findOne({ where: { id } });
    if (!a) {
      this.logger.warn({ event: 'analysis.missing', analysisId: id }, 'analysis not found; dropped');
      return;
    }
    if (TERMINAL_STATUSES.includes(a.status)) return;
    const startedAt = new Date();
    await repo.update({ id, status: a.status }, { status: 'processing', startedAt });
    this.logger.log({ event: 'analysis.started', analysisId: id, projectId: a.projectId }, 'analysis started');

    const sources = await this.logSources.activeSources(a.projectId, a.tenantId);
    if (sources.length === 0) {
      await this.finish(
        id,
        {
          status: 'failed',
          errorCode: 'LOG_SOURCE_NOT_CONFIGURED',
          errorMessage: 'This project has no active log source: add one under Settings → Log sources, then run the analysis again.',
        },
        startedAt,
      );
      return;
    }

    const project = await this.ds.getRepository(ProjectEntity).findOne({ where: { id: a.projectId } });
    // Pages go straight into the streaming engine as the sources answer them; it keeps aggregates, never the lines,
    // and samples a window above ANALYSIS_MAX_LINES evenly across time.
    const analyzer = createAnalyzer({
      window: { start: a.timeStart.toISOString(), end: a.timeEnd.toISOString() },
      description: a.description,
      services: project?.services ?? [],
      maxLines: this.config.analysisMaxLines,
    });
    const collected = await collectLogs({
      sources,
      start: a.timeStart,
      end: a.timeEnd,
      timeoutMs: this.config.logSourceTimeoutMs,
      maxLines: this.config.analysisMaxLines,
      slots: this.slots,
      purpose: `analysis ${id}`,
      sink: analyzer,
      // The engine counts info lines per service and reads nothing else of them.
      detail: 'problems',
    });
    for (const issue of collected.baselineIssues) this.logger.warn({ event: 'analysis.baseline_failed', analysisId: id, issue }, 'baseline query failed');
    const reasons = clip(collected.reasons);
    if (collected.answered === 0) {
      await this.finish(
        id,
        {
          status: 'failed',
          errorCode: 'LOG_SOURCE_QUERY_FAILED',
          errorMessage: `Every log source failed (${collected.failed}): ${reasons.join(' ')}`.slice(0, MAX_REASON_CHARS),
          partialReasons: reasons,
        },
        startedAt,
      );
      return;
    }

    const result = analyzer.finish();
    await this.finish(id, { status: reasons.length ? 'partial' : 'complete', result, partialReasons: reasons }, startedAt);
  }

  /** Stores the terminal state and announces it through the AnalysisFinishedPort in the same transaction. */
  private async finish(id: string, t: Terminal, startedAt?: Date): Promise<void> {
    const completedAt = new Date();
    const finished = await this.ds.transaction(async (m) => {
      const row = await m.getRepository(AnalysisEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row || TERMINAL_STATUSES.includes(row.status)) return null;
      const began = startedAt ?? row.startedAt ?? row.createdAt;
      await m.getRepository(AnalysisEntity).update(
        { id },
        {
          status: t.status,
          result: t.result ?? null,
          severity: t.result?.severity ?? null,
          errorCode: t.errorCode ?? null,
          errorMessage: t.errorMessage ? t.errorMessage.slice(0, MAX_REASON_CHARS) : null,
          partialReasons: t.partialReasons ?? [],
          completedAt,
          processingTimeMs: Math.max(0, completedAt.getTime() - began.getTime()),
        },
      );
      const project = await m.getRepository(ProjectEntity).findOne({ where: { id: row.projectId } });
      await this.finished.announce(
        {
          id,
          tenantId: row.tenantId,
          projectId: row.projectId,
          status: t.status,
          severity: t.result?.severity ?? null,
          trigger: row.trigger,
          bindingId: row.bindingId,
          conversationId: row.conversationId,
          metadata: row.metadata ?? {},
          result: t.result ?? null,
          errorCode: t.errorCode ?? null,
          errorMessage: t.errorMessage ? t.errorMessage.slice(0, MAX_REASON_CHARS) : null,
          partialReasons: t.partialReasons ?? [],
          url: this.analyses.analysisUrl(row, project?.slug ?? 'default'),
        },
        m,
      );
      return row;
    });
    if (finished) {
      this.logger.log(
        {
          event: 'analysis.finished',
          analysisId: id,
          status: t.status,
          errorCode: t.errorCode ?? undefined,
          severity: t.result?.severity,
          logsScanned: t.result?.logsScanned,
        },
        'analysis finished',
      );
    }
  }
}

function clip(reasons: string[]): string[] {
  const out = reasons.slice(0, MAX_REASONS).map((r) => (r.length > MAX_REASON_CHARS ? `${r.slice(0, MAX_REASON_CHARS - 1)}…` : r));
  if (reasons.length > MAX_REASONS) out.push(`…and ${reasons.length - MAX_REASONS} more.`);
  return out;
}
