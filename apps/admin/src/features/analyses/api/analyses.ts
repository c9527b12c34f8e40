import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AnalysisFeedbackView,
  AnalysisRecord,
  AnalysisStatus,
  AnalysisSummaryView,
  CreateAnalysisRequest,
  FeedbackRequest,
  Paginated,
} from '@app/contracts';
import { api, ApiError, unwrapEnvelope } from '@/lib/api-client';
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
  screenshot: (projectId: string, id: string) => [...analysisKeys.all(projectId), 'screenshot', id] as const,
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
    queryFn: () => api.get<AnalysisRecord>(`/v1/analyses/${id}`, { projectId }),
    refetchInterval: (q) => (isRunning(q.state.data?.status) ? POLL_MS : false),
    staleTime: 0,
  });

export function useCreateAnalysis(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    /** A screenshot goes as a base64 data URL in the JSON body: cookie-authenticated writes must be JSON (CSRF rule). */
    mutationFn: (input: CreateAnalysisRequest) => api.post<AnalysisRecord>('/v1/analyses', input, { projectId }),
    onSuccess: (a) => {
      qc.setQueryData(analysisKeys.detail(projectId, a.id), a);
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      return qc.invalidateQueries({ queryKey: [...analysisKeys.all(projectId), 'list'] });
    },
  });
}

/** Rates a finished analysis (one rating per user: a new one replaces it). */
export function useGiveFeedback(projectId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: FeedbackRequest) => api.post<AnalysisFeedbackView>(`/v1/analyses/${id}/feedback`, input, { projectId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: analysisKeys.detail(projectId, id) }),
  });
}

/**
 * The analysis's screenshot as a data: URL. An <img> cannot send X-Project-Id, so the image is fetched with it and
 * shown from memory (the page's Content-Security-Policy allows data: images; the server sends only PNG, JPEG or WebP).
 */
export const useScreenshot = (projectId: string, id: string, enabled: boolean) =>
  useQuery({
    queryKey: analysisKeys.screenshot(projectId, id),
    queryFn: ({ signal }) => fetchScreenshot(projectId, id, signal),
    enabled,
    staleTime: Infinity,
  });

async function fetchScreenshot(projectId: string, id: string, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`/v1/analyses/${encodeURIComponent(id)}/screenshot`, { headers: { 'X-Project-Id': projectId }, credentials: 'same-origin', signal });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', 'Network error: the server could not be reached');
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => undefined);
    return unwrapEnvelope<never>(res.status, body, res.headers.get('X-Request-Id') ?? undefined);
  }
  return readFileAsDataUrl(await res.blob());
}

/** A file or blob as a data: URL (a chosen screenshot for the JSON body of a create; a fetched one for <img>). */
export function readFileAsDataUrl(file: Blob): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}
