/**
 * Types and enums shared by the api, the workers and the admin SPA. No runtime dependencies.
 */
export * from './severity';
export * from './triage';
export * from './analysis';
export * from './log-entry';
