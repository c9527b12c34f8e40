import { createContext, useContext } from 'react';
import type { Project } from './api/projects';

export const ProjectContext = createContext<Project | null>(null);

/** The project named by the URL's :slug (provided by ProjectLayout). */
export function useCurrentProject(): Project {
  const p = useContext(ProjectContext);
  if (!p) throw new Error('useCurrentProject outside a project route');
  return p;
}
