import { Injectable } from '@nestjs/common';
import type { ServiceDefinition, TriageResult } from '@app/contracts';
import { triage, type PreparedCorrections } from './engine';

/** Messages longer than this are cut before triage (huge pastes must not fail or stall). */
export const MAX_TRIAGE_TEXT = 20_000;

export interface TriageRequest {
  text: string;
  subject?: string | null;
  createdAt?: string | Date;
  timezone?: string;
  timeBufferHours?: number;
  services?: ServiceDefinition[];
  llmContext?: string | null;
  /** The project's corrections (ProjectCorrections.forProject): the engine learns from them. */
  corrections?: PreparedCorrections | null;
}

/** The Nest face of the pure triage engine. */
@Injectable()
export class TriageService {
  run(r: TriageRequest): TriageResult {
    const createdAt = r.createdAt instanceof Date ? r.createdAt.toISOString() : (r.createdAt ?? new Date().toISOString());
    const text = (r.text ?? '').length > MAX_TRIAGE_TEXT ? r.text.slice(0, MAX_TRIAGE_TEXT) : (r.text ?? '');
    const result = triage(
      {
        text,
        subject: r.subject ?? undefined,
        createdAt,
        timezone: r.timezone || 'UTC',
        timeBufferHours: r.timeBufferHours ?? 2,
        context: { services: r.services ?? [], llmContext: r.llmContext ?? null },
      },
      { corrections: r.corrections ?? null },
    );
    // The window never ends after the conversation's time (contract §8).
    const end = Date.parse(createdAt);
    if (Date.parse(result.window.end) > end) result.window.end = new Date(end).toISOString();
    if (Date.parse(result.window.start) > end) result.window.start = new Date(end).toISOString();
    return result;
  }
}
