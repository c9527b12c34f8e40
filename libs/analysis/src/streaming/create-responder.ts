import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AnalysisRecord, AnalysisStreamStage } from '@app/contracts';
import { APP_CONFIG, EventStream, formatEvent, negotiatesEventStream, OpenStreams } from '@app/core';
import type { AppConfig, IdempotentReplay, UploadedFileData } from '@app/core';
import { AnalysesService } from '../analyses.service';
import { AnalysisRecordsService } from '../analysis-records.service';
import type { AnalysisScope } from '../analysis-scope';
import { AnalysisWatcher, TERMINAL } from './analysis-watcher';

/** A stream still open after this long ends with an error event telling the caller to poll. */
export const MAX_STREAM_MS = 15 * 60 * 1000;
/**
 * Largest event written (bytes). The SDK parses one network read at a time and drops an event split across reads;
 * an event this size or smaller fits one TLS record (16 KiB), so it reaches the client in one read over HTTPS.
 */
export const MAX_EVENT_BYTES = 16_000;

/**
 * What the stream's `complete` event carries as `result`: the SDK's AnalysisResult (the record's own fields plus the
 * result's), without the nested `result` copy, the caller's own input or dashboard-only lists; trimmed to fit one
 * event (the least relevant log evidence first). GET /v1/analyses/:id always has everything.
 */
export function streamResult(record: AnalysisRecord, maxEventBytes = MAX_EVENT_BYTES): Record<string, unknown> {
  const { result: _result, description: _d, metadata: _m, feedback: _f, followUps: _fu, url: _u, ...flat } = record;
  const out: Record<string, unknown> & { logEvidence: unknown[]; timeline?: unknown[]; signatures?: unknown[] } = {
    ...flat,
    logEvidence: [...record.logEvidence],
  };
  const size = () => Buffer.byteLength(formatEvent('complete', { analysisId: record.id, result: out }));
  while (size() > maxEventBytes && out.logEvidence.length) out.logEvidence.pop();
  if (size() > maxEventBytes && out.signatures) delete out.signatures;
  while (size() > maxEventBytes && Array.isArray(out.timeline) && out.timeline.length > 1) {
    const i = out.timeline.findLastIndex((t) => !(t as { isRootCause?: boolean }).isRootCause);
    out.timeline.splice(i >= 0 ? i : out.timeline.length - 1, 1);
  }
  return out;
}

/**
 * Answers POST /v1/analyses after the body passed validation: as JSON after waiting up to ANALYSIS_SYNC_WAIT_MS for
 * a terminal status, or as an event stream (contract §12) that follows the analysis to its end. Either way the
 * analysis runs in the queue: a caller that goes away cancels nothing.
 */
@Injectable()
export class AnalysisCreateResponder {
  private readonly logger = new Logger('analysis.create');
  /** Comment interval on idle streams. */
  keepAliveMs = 15_000;

  constructor(
    private readonly analyses: AnalysesService,
    private readonly records: AnalysisRecordsService,
    private readonly watcher: AnalysisWatcher,
    private readonly openStreams: OpenStreams,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async respond(
    req: Request & { idempotentReplay?: IdempotentReplay; idempotencyCommit?: (data: unknown) => Promise<void> },
    res: Response,
    scope: AnalysisScope,
    dto: Parameters<AnalysesService['createFromApi']>[1],
    file?: UploadedFileData,
  ): Promise<{ id: string; analysisId: string }> {
    // An idempotent replay answers JSON with the record's current state.
    if (req.idempotentReplay) {
      const id = String((req.idempotentReplay.body as { id?: unknown } | null)?.id ?? '');
      const record = await this.records.get(scope, id);
      res.status(202).json({ success: true, data: record });
      return { id: record.id, analysisId: record.id };
    }
    const row = await this.analyses.createFromApi(scope, dto, file);
    const created = { id: row.id, analysisId: row.id };
    // Stored before anything is sent, so a repeat (even during the wait) replays this analysis.
    await req.idempotencyCommit?.(created);
    if (negotiatesEventStream(req.headers)) {
      this.stream(res, scope, row.id);
      return created;
    }
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    await this.watcher.waitForTerminal(row.id, this.config.analysisSyncWaitMs, gone.signal);
    const record = await this.records.get(scope, row.id);
    if (!res.destroyed && !res.headersSent) res.status(202).json({ success: true, data: record });
    return created;
  }

  private stream(res: Response, scope: AnalysisScope, id: string): void {
    const s = new EventStream(res, { keepAliveMs: this.keepAliveMs });
    const status = (stage: AnalysisStreamStage, detail?: string) => s.send('status', detail ? { stage, detail } : { stage });
    let settled = false;
    let processingSent = false;
    let unwatch: (() => void) | null = null;
    let untrack: (() => void) | null = null;
    let cap: NodeJS.Timeout | null = null;
    const settle = () => {
      settled = true;
      unwatch?.();
      untrack?.();
      if (cap) clearTimeout(cap);
    };
    const endWithPollHint = (code: string, why: string) => {
      if (settled) return;
      settle();
      s.end('error', { code, message: `${why} The analysis continues: poll GET /v1/analyses/${id} for its result.`, analysisId: id });
    };

    s.open(202);
    status('received', `Analysis ${id} received`);
    untrack = this.openStreams.track(() => endWithPollHint('SERVICE_UNAVAILABLE', 'The server is shutting down.'));
    if (settled) return;
    cap = setTimeout(() => endWithPollHint('ANALYSIS_STILL_PROCESSING', 'The analysis is taking longer than this stream stays open.'), MAX_STREAM_MS);
    cap.unref?.();
    s.onClientGone(() => {
      if (settled) return;
      settle();
      this.logger.log({ event: 'analysis.stream_client_gone', analysisId: id }, 'stream client went away; the analysis continues');
    });
    unwatch = this.watcher.watch(id, (st) => {
      if (settled) return;
      if (st === 'processing' && !processingSent) {
        processingSent = true;
        status('processing', 'Fetching and analysing logs');
      }
      if (!TERMINAL.includes(st)) return;
      settle();
      void this.finish(s, scope, id, processingSent).catch((err) => {
        this.logger.error({ event: 'analysis.stream_failed', analysisId: id, err }, 'could not finish the analysis stream');
        s.end('error', { code: 'INTERNAL_ERROR', message: `Could not read the result. Poll GET /v1/analyses/${id} for it.`, analysisId: id });
      });
    });
  }

  private async finish(s: EventStream, scope: AnalysisScope, id: string, processingSent: boolean): Promise<void> {
    const record = await this.records.get(scope, id);
    if (!processingSent) s.send('status', { stage: 'processing', detail: 'Fetching and analysing logs' });
    if (record.status === 'failed') {
      const error = record.error ?? { code: 'ANALYSIS_FAILED', message: 'The analysis failed' };
      s.send('status', { stage: 'failed', detail: error.message });
      s.end('error', { code: error.code, message: error.message, analysisId: id });
      return;
    }
    s.send('status', {
      stage: 'complete',
      detail: record.status === 'partial' ? `Partial result: ${record.partialReasons.join(' ')}`.slice(0, 2000) : 'Analysis complete',
    });
    s.end('complete', { analysisId: id, result: streamResult(record) });
  }
}
