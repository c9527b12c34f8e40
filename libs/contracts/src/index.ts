/**
 * Every HTTP request/response shape and the pure rules both the api and the admin SPA need. No runtime
 * dependencies (dependency rule `contracts-stand-alone`). The SPA imports this as `@app/contracts`.
 */
export * from './severity';
export * from './triage';
export * from './analysis';
export * from './log-entry';
export * from './http';
export * from './accounts';
export * from './projects';
export * from './log-sources';
export * from './template';
export * from './support-desk';
export * from './incidents';
export * from './analysis-sdk';
