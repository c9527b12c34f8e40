import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnalysisResult, AnalysisTrigger } from '@app/contracts';

/** A finished analysis as analysis announces it: everything a listener needs, so none has to read analysis's tables. */
export interface FinishedAnalysis {
  id: string;
  tenantId: string;
  projectId: string;
  status: 'complete' | 'partial' | 'failed';
  severity: string | null;
  trigger: AnalysisTrigger;
  /** Set when the analysis was started for one support-desk conversation (auto-analysis or sidebar). */
  bindingId: string | null;
  conversationId: string | null;
  metadata: Record<string, string>;
  result: AnalysisResult | null;
  errorCode: string | null;
  errorMessage: string | null;
  partialReasons: string[];
  /** The dashboard page of the analysis. */
  url: string;
}

/** Someone who acts on finished analyses: support-desk posts those of one conversation, incidents those of an incident. */
export interface AnalysisFinishedListener {
  /**
   * Called inside the transaction that stores the terminal state, once per analysis. Enqueue follow-up work with
   * `manager` so that it exists exactly when the result is stored; do no outside calls here.
   */
  analysisFinished(analysis: FinishedAnalysis, manager: EntityManager): Promise<void>;
}

/**
 * The port through which analysis announces a finished analysis (architecture.md: "analysis announces a finished
 * analysis through a port it declares"). Listeners register once, at module init: `port.listen(listener)`.
 */
@Injectable()
export class AnalysisFinishedPort {
  private readonly listeners: AnalysisFinishedListener[] = [];

  listen(listener: AnalysisFinishedListener): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  /** Tells every listener, in registration order, inside the caller's transaction. */
  async announce(analysis: FinishedAnalysis, manager: EntityManager): Promise<void> {
    for (const l of this.listeners) await l.analysisFinished(analysis, manager);
  }
}
