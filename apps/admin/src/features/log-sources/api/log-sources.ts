import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectionTestResult, LogSourceInput, LogSourceTypeMetadata, LogSourceView } from '@app/contracts';
import { api, ApiError } from '@/lib/api-client';
import { projectKeys } from '@/features/projects/api/projects';

/** A connection test as the form shows it: the server's result, plus the error code of a failed test. */
export type TestResult = ConnectionTestResult & { code?: string };

export const logSourceKeys = {
  types: ['log-source-types'] as const,
  all: (projectId: string) => ['log-sources', projectId] as const,
  list: (projectId: string) => [...logSourceKeys.all(projectId), 'list'] as const,
  discovered: (projectId: string, id: string) => [...logSourceKeys.all(projectId), 'sources', id] as const,
};

export const getLogSourceTypes = () => api.get<LogSourceTypeMetadata[]>('/v1/config/log-source-types');
export const useLogSourceTypes = () => useQuery(queryOptions({ queryKey: logSourceKeys.types, queryFn: getLogSourceTypes, staleTime: 5 * 60_000 }));

export const getLogSources = (projectId: string) => api.get<LogSourceView[]>('/v1/config/log-sources', { projectId });
export const useLogSources = (projectId: string) =>
  useQuery(queryOptions({ queryKey: logSourceKeys.list(projectId), queryFn: () => getLogSources(projectId) }));

export const getDiscoveredSources = (projectId: string, id: string) =>
  api.get<{ id: string; name: string; type: string }[]>(`/v1/config/log-sources/${id}/sources`, { projectId });

/** The test endpoint answers 200 with `success:false` on a failed connection: that is a result, not an exception. */
export async function testLogSource(projectId: string, id: string): Promise<TestResult> {
  try {
    return await api.post<TestResult>(`/v1/config/log-sources/${id}/test`, {}, { projectId });
  } catch (err) {
    if (err instanceof ApiError && err.status === 200 && err.data && typeof err.data === 'object') {
      const d = err.data as Partial<TestResult>;
      return { connected: false, message: d.message || err.message, sampleLogs: d.sampleLogs ?? [], code: err.code };
    }
    throw err;
  }
}

export function useLogSourceMutations(projectId: string) {
  const qc = useQueryClient();
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: projectKeys.all });
    return qc.invalidateQueries({ queryKey: logSourceKeys.all(projectId) });
  };
  return {
    create: useMutation({
      mutationFn: (input: LogSourceInput) => api.post<LogSourceView>('/v1/config/log-sources', input, { projectId }),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: LogSourceInput }) => api.put<LogSourceView>(`/v1/config/log-sources/${id}`, input, { projectId }),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.del<unknown>(`/v1/config/log-sources/${id}`, undefined, { projectId }), onSuccess: invalidate }),
    test: useMutation({ mutationFn: (id: string) => testLogSource(projectId, id), onSettled: invalidate }),
  };
}
