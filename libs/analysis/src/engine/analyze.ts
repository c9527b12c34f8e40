/**
 * The whole-array entry point of the analysis engine, kept for callers that hold every entry in memory: a thin
 * wrapper over the streaming analyzer (analyzer.ts), which new code should use directly.
 */
import type { AnalysisResult, LogEntry, ServiceDefinition } from '@app/contracts';
import { createAnalyzer, type AnalyzerOptions } from './analyzer';

export interface AnalyzeInput {
  entries: Iterable<LogEntry>;
  baseline: Iterable<LogEntry>;
  window: { start: string; end: string };
  description?: string;
  services?: ServiceDefinition[];
  /** See AnalyzerOptions. */
  maxLines?: number;
  masking?: AnalyzerOptions['masking'];
}

export function analyze(input: AnalyzeInput): AnalysisResult {
  const a = createAnalyzer({
    window: input.window,
    description: input.description,
    services: input.services,
    maxLines: input.maxLines,
    masking: input.masking,
  });
  a.addBaselineBatch(input.baseline);
  a.addBatch(input.entries);
  return a.finish();
}
