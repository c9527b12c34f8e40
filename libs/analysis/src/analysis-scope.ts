import type { Principal, ProjectContext } from '@app/accounts';
import { AppError } from '@app/core';

/**
 * What a caller may see of a project's analyses. Publishable keys (`ss_pub_`) sit in web pages, so they see only the
 * analyses created with that same key (create, read, list, feedback, screenshot); everything else is a 404 for them.
 */
export interface AnalysisScope {
  tenantId: string;
  projectId: string;
  projectSlug: string;
  /** `key:<id>` for a publishable key (only its own analyses), else null. */
  onlyTriggeredBy: string | null;
  /** `user:<id>` or `key:<id>`: who rates, asks, creates. */
  actor: string | null;
  kind: Principal['kind'];
}

export function scopeOf(p: Principal, project: ProjectContext): AnalysisScope {
  const actor = p.kind === 'apiKey' ? `key:${p.keyId}` : p.userId ? `user:${p.userId}` : null;
  return {
    tenantId: project.tenantId,
    projectId: project.id,
    projectSlug: project.slug,
    onlyTriggeredBy: p.kind === 'apiKey' && p.keyType === 'public' ? `key:${p.keyId}` : null,
    actor,
    kind: p.kind,
  };
}

export const analysisNotFound = () => new AppError('ANALYSIS_NOT_FOUND', 'Analysis not found');

/** Similar, postmortem and follow-up are not for publishable keys: the same 404 as an analysis they cannot see. */
export function refusePublicKey(scope: AnalysisScope): void {
  if (scope.onlyTriggeredBy) throw analysisNotFound();
}
