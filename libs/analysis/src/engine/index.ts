/**
 * The analysis engine (pure: imports only @app/contracts).
 *
 * Streaming API — feed pages as they arrive, keep nothing but aggregates:
 *
 *   const a = createAnalyzer({ window: { start, end }, description, services, maxLines, masking: { keepEmails, keepIps } });
 *   for await (const page of windowPages) a.addBatch(page);     // or a.add(entry)
 *   for await (const page of baselinePages) a.addBaselineBatch(page); // or a.addBaseline(entry); any interleaving
 *   const { sampled } = a.stats();                                // true → the analysis is `partial`, reason `sampled`
 *   const result = a.finish();                                     // AnalysisResult, logEvidence included, all text masked
 *
 * - Memory: per (service, signature) counts, first/last seen and up to 5 example entries; never the lines.
 * - `maxLines` (ANALYSIS_MAX_LINES) per window: above it the window is sampled evenly across time (sampling.ts).
 * - `analyze({ entries, baseline, window, ... })` is the same engine over whole arrays (kept for old callers).
 * - `maskSecrets(text, { keepEmails, keepIps })` / `createSecretMasker(opts)`: the masking applied to every log text
 *   the engine emits, for anything else that shows or stores log text (source test samples, notes).
 */
export { analyze, type AnalyzeInput } from './analyze';
export { createAnalyzer, type Analyzer, type AnalyzerOptions, type AnalyzerStats } from './analyzer';
export { createLineSampler, LevelCounts, type LineSampler } from './sampling';
export { maskSecrets, createSecretMasker, MASK, type SecretMaskingOptions } from './redact';
export { classifyMessage, ACTIONS, type Classification } from './classify';
export { maskMessage, maskToken, maskedTokens, tokenize, WILDCARD } from './masking';
export { MaskedVocabulary, MASKED_TOKEN_SLOTS } from './token-ids';
export { SignatureMiner, DEFAULT_MINER_OPTIONS, type MinedSignature, type SignatureMinerOptions } from './signature-miner';
export { mineAll, type BatchSignature } from './mine-all';
export { groupingAccuracy, parsingAccuracy, groupingF1, parseCsv, parseStructuredCsv, LOGHUB_SYSTEMS, type LabelledLine } from './loghub';
export { generateScenario, generateMessages, SCENARIO_KINDS, type Scenario, type ScenarioKind } from './scenarios/incident-generator';
