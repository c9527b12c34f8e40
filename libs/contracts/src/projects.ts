import type { ServiceDefinition } from './triage';

/** Project slugs: lowercase letters, digits and single hyphens. */
export const PROJECT_SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const LLM_CONTEXT_MAX = 2000;

export interface ProjectView {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  isDefault: boolean;
  llmContext: string | null;
  services: ServiceDefinition[];
  createdAt: string;
  updatedAt: string;
  analysisCount: number;
  logSourceCount: number;
}

export interface ProjectInput {
  name?: string;
  slug?: string;
  description?: string | null;
  llmContext?: string | null;
  services?: ServiceDefinition[];
}

/** DELETE /v1/config/projects/:id: `confirm` must repeat the project's slug. */
export interface DeleteProjectRequest {
  confirm: string;
}
