/** Test and benchmark helpers (imported as `@app/analysis/testing`, never by product code). */
export * from './engine/scenarios/incident-generator';
