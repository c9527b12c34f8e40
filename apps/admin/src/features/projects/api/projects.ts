import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProjectInput, ProjectView } from '@app/contracts';
import { api } from '@/lib/api-client';

export const projectKeys = {
  all: ['projects'] as const,
  list: () => [...projectKeys.all, 'list'] as const,
};

export const getProjects = () => api.get<ProjectView[]>('/v1/config/projects');
export const projectsQueryOptions = () => queryOptions({ queryKey: projectKeys.list(), queryFn: getProjects });
export const useProjects = () => useQuery(projectsQueryOptions());

export const createProject = (input: ProjectInput) => api.post<ProjectView>('/v1/config/projects', input);
export const updateProject = (id: string, input: Partial<ProjectInput>) => api.put<ProjectView>(`/v1/config/projects/${id}`, input);
export const deleteProject = (id: string, slug: string) => api.del<unknown>(`/v1/config/projects/${id}`, { confirm: slug });

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createProject, onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }) });
}

export function useUpdateProject(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Partial<ProjectInput>) => updateProject(id, input),
    onSuccess: (p) => {
      qc.setQueryData<ProjectView[]>(projectKeys.list(), (old) => old?.map((x) => (x.id === p.id ? { ...x, ...p } : x)));
      return qc.invalidateQueries({ queryKey: projectKeys.all });
    },
  });
}

export function useDeleteProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, slug }: { id: string; slug: string }) => deleteProject(id, slug),
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}
