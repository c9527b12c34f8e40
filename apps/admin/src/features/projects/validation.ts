import type { FieldErrors } from '@/components/ui/field';
import { LLM_CONTEXT_MAX, PROJECT_SLUG_RE, type ServiceDefinition } from '@app/contracts';

export { LLM_CONTEXT_MAX } from '@app/contracts';

export function validateProject(v: { name: string; slug: string; description?: string; llmContext?: string }): FieldErrors {
  const name = v.name.trim();
  const slug = v.slug.trim();
  return {
    name: !name ? 'Enter a name' : name.length > 255 ? 'At most 255 characters' : undefined,
    slug: !slug
      ? 'Enter a slug'
      : slug.length > 100
        ? 'At most 100 characters'
        : !PROJECT_SLUG_RE.test(slug)
          ? 'Lowercase letters, digits and single hyphens only'
          : undefined,
    description: (v.description ?? '').length > 1000 ? 'At most 1000 characters' : undefined,
    llmContext: (v.llmContext ?? '').length > LLM_CONTEXT_MAX ? `At most ${LLM_CONTEXT_MAX} characters` : undefined,
  };
}

export interface ServiceRow {
  name: string;
  aliases: string;
  critical: boolean;
}

export function toServiceRows(services: ServiceDefinition[] | undefined | null): ServiceRow[] {
  return (services ?? []).map((s) => ({ name: s.name, aliases: (s.aliases ?? []).join(', '), critical: !!s.critical }));
}

/** Rows → API shape; returns an error message for the first bad row (empty name, duplicate name/alias). */
export function fromServiceRows(rows: ServiceRow[]): { services: ServiceDefinition[]; error?: string } {
  const services: ServiceDefinition[] = [];
  const seen = new Map<string, string>();
  for (const [i, r] of rows.entries()) {
    const name = r.name.trim();
    if (!name) return { services, error: `Service ${i + 1}: enter a name (or remove the row)` };
    const aliases = r.aliases
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const own = new Set<string>();
    for (const label of [name, ...aliases]) {
      const key = label.toLowerCase();
      if (own.has(key)) continue;
      own.add(key);
      const owner = seen.get(key);
      if (owner !== undefined) return { services, error: `"${label}" is used twice (by ${owner} and ${name})` };
      seen.set(key, name);
    }
    services.push({ name, aliases, critical: r.critical });
  }
  return { services };
}
