/** The dashboard pages of incidents (the SPA's routes). */
export function incidentUrl(publicUrl: string, projectSlug: string, incidentId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectSlug)}/incidents/${incidentId}`;
}
