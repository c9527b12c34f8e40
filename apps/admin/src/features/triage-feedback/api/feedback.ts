import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Paginated, TriageFeedbackRequest, TriageFeedbackResult, TriageFeedbackStats, TriageFeedbackView, TriageRemovedWord } from '@app/contracts';
import { api } from '@/lib/api-client';

export const feedbackKeys = {
  all: (projectId: string) => ['triage-feedback', projectId] as const,
  list: (projectId: string, page: number) => [...feedbackKeys.all(projectId), 'list', page] as const,
  stats: (projectId: string) => [...feedbackKeys.all(projectId), 'stats'] as const,
};

export const useFeedbackList = (projectId: string, page: number) =>
  useQuery({
    queryKey: feedbackKeys.list(projectId, page),
    queryFn: () => api.get<Paginated<TriageFeedbackView>>('/v1/triage/feedback', { projectId, query: { page, limit: 20 } }),
    placeholderData: (prev) => prev,
  });

export const useFeedbackStats = (projectId: string) =>
  useQuery({ queryKey: feedbackKeys.stats(projectId), queryFn: () => api.get<TriageFeedbackStats>('/v1/triage/feedback/stats', { projectId }) });

/** An agent's correction of one conversation; refreshes the conversation (support-desk keys start with 'support-desk'). */
export function useCorrectTriage(projectId: string, bindingId: string, conversationId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TriageFeedbackRequest) =>
      api.post<TriageFeedbackResult>(`/v1/support-desk/conversations/${bindingId}/${encodeURIComponent(conversationId)}/triage-feedback`, body, {
        projectId,
      }),
    onSuccess: () =>
      Promise.all([qc.invalidateQueries({ queryKey: ['support-desk', projectId] }), qc.invalidateQueries({ queryKey: feedbackKeys.all(projectId) })]),
  });
}

export function useFeedbackMutations(projectId: string) {
  const qc = useQueryClient();
  const refresh = () =>
    Promise.all([qc.invalidateQueries({ queryKey: feedbackKeys.all(projectId) }), qc.invalidateQueries({ queryKey: ['support-desk', projectId] })]);
  return {
    undo: useMutation({
      mutationFn: (id: string) => api.del<TriageFeedbackView>(`/v1/triage/feedback/${id}`, undefined, { projectId }),
      onSuccess: refresh,
    }),
    removeWord: useMutation({
      mutationFn: (word: string) => api.del<TriageRemovedWord>(`/v1/triage/feedback/learned-words/${encodeURIComponent(word)}`, undefined, { projectId }),
      onSuccess: refresh,
    }),
  };
}
