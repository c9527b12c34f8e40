/** Test and benchmark helpers (imported as `@app/analysis/testing`, never by product code). */
export * from './engine/scenarios/incident-generator';
// The SDK-compatibility pieces tests reach inside the running app (stream keep-alive, watchers) and the pure similarity rules.
export { AnalysisCreateResponder } from './streaming/create-responder';
export { AnalysisWatcher } from './streaming/analysis-watcher';
export * from './similar/similarity';
