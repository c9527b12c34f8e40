/**
 * An incident's title: from its service and its analysis's root-cause category, never from a customer's words
 * (contract §11). An admin may set another one.
 */
import type { RootCauseCategory } from '@app/contracts';

const CATEGORY_WORDS: Record<RootCauseCategory, string> = {
  authentication: 'authentication errors',
  authorization: 'permission errors',
  database: 'database errors',
  network: 'connection errors',
  timeout: 'timeouts',
  rate_limiting: 'rate limiting',
  validation: 'validation errors',
  null_reference: 'application errors',
  configuration: 'configuration errors',
  dependency: 'dependency failures',
  memory: 'memory errors',
  disk: 'disk errors',
  unknown: 'errors',
};

/** "checkout errors", "payments timeouts", "errors (service not identified)". */
export function incidentTitle(service: string | null, category?: RootCauseCategory | null): string {
  const what = CATEGORY_WORDS[category ?? 'unknown'] ?? CATEGORY_WORDS.unknown;
  return service ? `${service} ${what}` : `${what[0].toUpperCase()}${what.slice(1)} (service not identified)`;
}
