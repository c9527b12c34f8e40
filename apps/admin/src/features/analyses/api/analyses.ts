import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AnalysisStatus, AnalysisSummaryView, AnalysisView, CreateAnalysisRequest, Paginated } from '@app/contracts';
import { api } from '@/lib/api-client';
import { projectKeys } from '@/features/projects/api/projects';

export interface AnalysisFilters {
  page: number;
  status?: string;
  severity?: string;
}

export const analysisKeys = {
  all: (projectId: string) => ['analyses', projectId] as const,
  list: (projectId: string, f: AnalysisFilters) => [...analysisKeys.all(projectId), 'list', f] as const,
  detail: (projectId: string, id: string) => [...analysisKeys.all(projectId), 'detail', id] as const,
};

export const isRunning = (s: AnalysisStatus | undefined) => s === 'pending' || s === 'processing';
export const POLL_MS = 2000;

export const useAnalyses = (projectId: string, f: AnalysisFilters) =>
  useQuery({
    queryKey: analysisKeys.list(projectId, f),
    queryFn: () =>
      api.get<Paginated<AnalysisSummaryView>>('/v1/analyses', { projectId, query: { page: f.page, limit: 20, status: f.status, severity: f.severity } }),
    placeholderData: (prev) => prev,
    refetchInterval: (q) => (q.state.data?.items.some((a) => isRunning(a.status)) ? POLL_MS * 2 : false),
  });

/** Polls every 2 s while the analysis is pending or processing. */
export const useAnalysis = (projectId: string, id: string) =>
  useQuery({
    queryKey: analysisKeys.detail(projectId, id),
    queryFn: () => api.get<AnalysisView>(`/v1/analyses/${id}`, { projectId }),
    refetchInterval: (q) => (isRunning(q.state.data?.status) ? POLL_MS : false),
    staleTime: 0,
  });

export function useCreateAnalysis(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateAnalysisRequest) => api.post<AnalysisView>('/v1/analyses', input, { projectId }),
    onSuccess: (a) => {
      qc.setQueryData(analysisKeys.detail(projectId, a.id), a);
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      return qc.invalidateQueries({ queryKey: [...analysisKeys.all(projectId), 'list'] });
    },
  });
}
