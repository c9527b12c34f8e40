/**
 * The shapes SigSentry's SDK reads on /v1/analyses (contract §12, reference §2.10, §5.2, §6): the record with the
 * result's fields on it, log evidence, feedback, similar analyses, follow-ups, postmortems and the stream's events.
 */
import type { AnalysisResult, AnalysisView, LogEvidence } from './analysis';

export const FEEDBACK_ACCURACIES = ['correct', 'partially_correct', 'incorrect'] as const;
export type FeedbackAccuracy = (typeof FEEDBACK_ACCURACIES)[number];
export const FEEDBACK_COMMENT_MAX = 5000;
export const FOLLOW_UP_QUESTION_MAX = 2000;

/** POST /v1/analyses/:id/feedback body. */
export interface FeedbackRequest {
  accuracy: FeedbackAccuracy;
  /** At most FEEDBACK_COMMENT_MAX characters. */
  comment?: string;
}

/** POST /v1/analyses/:id/followup body. */
export interface FollowUpRequest {
  /** 1–FOLLOW_UP_QUESTION_MAX characters. */
  question: string;
}

/** POST /v1/analyses/:id/feedback answer (one per analysis and key or user; re-rating replaces it). */
export interface AnalysisFeedbackView {
  id: string;
  analysisId: string;
  accuracy: FeedbackAccuracy;
  comment: string | null;
  recordedAt: string;
}

/** Feedback as listed on the record: who rated it ("user" with the name, or "key" with its name). */
export interface AnalysisFeedbackEntry extends AnalysisFeedbackView {
  by: { kind: 'user' | 'key'; name: string | null };
}

/** GET /v1/analyses/:id/similar items, most similar first. */
export interface SimilarAnalysis {
  id: string;
  summary: string | null;
  severity: string | null;
  createdAt: string;
  /** 0–1, from the overlap of error signatures (and the root cause). */
  similarity: number;
  /** The latest feedback given on that analysis, if any. */
  feedbackAccuracy: FeedbackAccuracy | null;
}

/** POST /v1/analyses/:id/followup answer: facts from the analysis's own evidence, or a plain "found nothing". */
export interface FollowUpView {
  id: string;
  analysisId: string;
  question: string;
  answer: string;
  /** False when nothing in the analysis's evidence matched the question. */
  found: boolean;
  additionalEvidence: LogEvidence[];
  createdAt: string;
}

/** POST /v1/analyses/:id/postmortem answer (GitHub-flavoured Markdown built from the result). */
export interface PostmortemView {
  analysisId: string;
  markdown: string;
}

export interface AnalysisScreenshotInfo {
  mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
  sizeBytes: number;
  /** GET this path (with the same credentials) for the image. */
  url: string;
}

/** PNG, JPEG and WebP, at most 10 MB (10,485,760 bytes), checked by their bytes. */
export const SCREENSHOT_MAX_BYTES = 10 * 1024 * 1024;
export const SCREENSHOT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** The analysis's own fields, as every answer about one analysis carries them. */
export interface AnalysisRecordFields extends AnalysisView {
  /** = id (the SDK reads analysisId on the create answer). */
  analysisId: string;
}

/** GET /v1/analyses/:id data: the record, the result under `result`, and the result's fields on the record itself. */
export interface AnalysisRecord extends AnalysisRecordFields, Partial<Omit<AnalysisResult, 'severity'>> {
  logEvidence: LogEvidence[];
  /** Ids of earlier analyses of the project whose error signatures overlap this one's. */
  relatedIncidents: string[];
  screenshot: AnalysisScreenshotInfo | null;
  feedback: AnalysisFeedbackEntry[];
  followUps: FollowUpView[];
}

/** Public stages of a streamed analysis (SDK `AnalysisStage`). */
export type AnalysisStreamStage = 'received' | 'processing' | 'complete' | 'failed';
