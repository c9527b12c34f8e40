import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalysisStatus } from '@app/contracts';

export const TERMINAL: readonly AnalysisStatus[] = ['complete', 'partial', 'failed'];

interface Watch {
  id: string;
  last: AnalysisStatus | null;
  fn: (status: AnalysisStatus) => void;
}

/**
 * Follows the status of analyses for the requests waiting on them (the synchronous answer, event streams). The job
 * may run in another process, so the database is the source: one batched query for every watched id per tick, only
 * while something is watched. Each watcher hears the current status first, then every change.
 */
@Injectable()
export class AnalysisWatcher implements OnModuleDestroy {
  static readonly POLL_MS = 200;
  private readonly logger = new Logger('analysis.watcher');
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;

  constructor(private readonly ds: DataSource) {}

  get watching(): number {
    return this.watches.size;
  }

  /** Calls `fn` with the status now and on every change until the returned function is called. */
  watch(id: string, fn: (status: AnalysisStatus) => void): () => void {
    const w: Watch = { id, last: null, fn };
    this.watches.add(w);
    this.schedule(0);
    return () => {
      this.watches.delete(w);
    };
  }

  /** Resolves once the analysis is terminal, after `ms`, or when `signal` aborts, whichever comes first. */
  waitForTerminal(id: string, ms: number, signal?: AbortSignal): Promise<AnalysisStatus | null> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      let last: AnalysisStatus | null = null;
      const done = () => {
        clearTimeout(timer);
        unwatch();
        signal?.removeEventListener('abort', done);
        resolve(last);
      };
      const timer = setTimeout(done, ms);
      const unwatch = this.watch(id, (s) => {
        last = s;
        if (TERMINAL.includes(s)) done();
      });
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watches.clear();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer || this.polling || !this.watches.size) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, ms);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    if (this.stopped || !this.watches.size) return;
    this.polling = true;
    try {
      const ids = [...new Set([...this.watches].map((w) => w.id))];
      const rows: Array<{ id: string; status: AnalysisStatus }> = await this.ds.query(`SELECT id, status FROM analyses WHERE id = ANY($1::uuid[])`, [ids]);
      const status = new Map(rows.map((r) => [r.id, r.status]));
      for (const w of [...this.watches]) {
        const s = status.get(w.id);
        if (!s || s === w.last) continue;
        w.last = s;
        try {
          w.fn(s);
        } catch (err) {
          this.logger.warn({ event: 'analysis.watch_callback_failed', analysisId: w.id, error: String(err) }, 'watcher callback failed');
        }
      }
    } catch (err) {
      // Database unavailable for a moment: keep watching, the next tick retries.
      this.logger.warn({ event: 'analysis.watch_poll_failed', error: String((err as Error)?.message ?? err) }, 'analysis status poll failed');
    } finally {
      this.polling = false;
      this.schedule(AnalysisWatcher.POLL_MS);
    }
  }
}
