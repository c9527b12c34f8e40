import { createContext, useContext } from 'react';
import { type ProjectView } from '@app/contracts';

export const ProjectContext = createContext<ProjectView | null>(null);

/** The project named by the URL's :slug (provided by ProjectLayout). */
export function useCurrentProject(): ProjectView {
  const p = useContext(ProjectContext);
  if (!p) throw new Error('useCurrentProject outside a project route');
  return p;
}
