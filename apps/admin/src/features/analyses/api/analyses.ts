import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import { projectKeys } from '@/features/projects/api/projects';

export type AnalysisStatus = 'pending' | 'processing' | 'complete' | 'partial' | 'failed';

export interface AnalysisSummary {
  id: string;
  status: AnalysisStatus;
  severity: string | null;
  summary: string | null;
  createdAt: string;
  timeStart: string;
  timeEnd: string;
  description: string;
  trigger: string;
}

export interface AnalysisResult {
  summary: string;
  severity: string;
  confidence: number;
  rootCause: { description: string; service: string; errorType: string; category: string };
  affectedServices: { serviceName: string; role: string; errorCount: number; firstSeen: string; lastSeen: string }[];
  timeline: { timestamp: string; service: string; level: string; message: string; isRootCause: boolean }[];
  suggestedActions: { priority: number; action: string; rationale: string; type: string }[];
  logsScanned: number;
  timeWindow: { start: string; end: string };
}

export interface Analysis {
  id: string;
  status: AnalysisStatus;
  description: string;
  timeStart: string;
  timeEnd: string;
  metadata: Record<string, unknown> | null;
  trigger: string;
  createdAt: string;
  completedAt: string | null;
  processingTimeMs: number | null;
  error?: { code: string; message: string } | null;
  partialReasons?: string[];
  result?: AnalysisResult | null;
}

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

export const isRunning = (s: string | undefined) => s === 'pending' || s === 'processing';
export const POLL_MS = 2000;

export const useAnalyses = (projectId: string, f: AnalysisFilters) =>
  useQuery({
    queryKey: analysisKeys.list(projectId, f),
    queryFn: () =>
      api.get<Paginated<AnalysisSummary>>('/v1/analyses', { projectId, query: { page: f.page, limit: 20, status: f.status, severity: f.severity } }),
    placeholderData: (prev) => prev,
    refetchInterval: (q) => (q.state.data?.items.some((a) => isRunning(a.status)) ? POLL_MS * 2 : false),
  });

/** Polls every 2 s while the analysis is pending or processing. */
export const useAnalysis = (projectId: string, id: string) =>
  useQuery({
    queryKey: analysisKeys.detail(projectId, id),
    queryFn: () => api.get<Analysis>(`/v1/analyses/${id}`, { projectId }),
    refetchInterval: (q) => (isRunning(q.state.data?.status) ? POLL_MS : false),
    staleTime: 0,
  });

export function useCreateAnalysis(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { description: string; timeStart: string; timeEnd: string }) => api.post<Analysis>('/v1/analyses', input, { projectId }),
    onSuccess: (a) => {
      qc.setQueryData(analysisKeys.detail(projectId, a.id), a);
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      return qc.invalidateQueries({ queryKey: [...analysisKeys.all(projectId), 'list'] });
    },
  });
}
