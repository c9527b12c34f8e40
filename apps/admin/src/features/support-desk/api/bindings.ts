import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BindingUpdate,
  BindingView,
  ConversationDetail,
  ConversationSummary,
  Paginated,
  TemplatePreviewResponse,
  WorkspaceAdmin,
  WorkspaceAttribute,
} from '@app/contracts';
import { api } from '@/lib/api-client';

export const supportDeskKeys = {
  all: (projectId: string) => ['support-desk', projectId] as const,
  list: (projectId: string) => [...supportDeskKeys.all(projectId), 'bindings'] as const,
  binding: (projectId: string, id: string) => [...supportDeskKeys.all(projectId), 'binding', id] as const,
  attributes: (projectId: string, id: string) => [...supportDeskKeys.binding(projectId, id), 'attributes'] as const,
  admins: (projectId: string, id: string) => [...supportDeskKeys.binding(projectId, id), 'admins'] as const,
  conversations: (projectId: string, id: string, page: number) => [...supportDeskKeys.binding(projectId, id), 'conversations', page] as const,
  conversation: (projectId: string, id: string, cid: string) => [...supportDeskKeys.binding(projectId, id), 'conversation', cid] as const,
  canvas: (projectId: string, id: string, cid: string) => [...supportDeskKeys.conversation(projectId, id, cid), 'canvas'] as const,
};

export const installUrl = (projectId: string) => `/v1/support-desk/intercom/install?projectId=${encodeURIComponent(projectId)}`;

export const useBindings = (projectId: string) =>
  useQuery(queryOptions({ queryKey: supportDeskKeys.list(projectId), queryFn: () => api.get<BindingView[]>('/v1/config/support-desk', { projectId }) }));

export const useBinding = (projectId: string, id: string) =>
  useQuery(
    queryOptions({ queryKey: supportDeskKeys.binding(projectId, id), queryFn: () => api.get<BindingView>(`/v1/config/support-desk/${id}`, { projectId }) }),
  );

export const useWorkspaceAttributes = (projectId: string, id: string, enabled: boolean) =>
  useQuery({
    queryKey: supportDeskKeys.attributes(projectId, id),
    queryFn: () => api.get<WorkspaceAttribute[]>(`/v1/config/support-desk/${id}/attributes`, { projectId }),
    enabled,
    staleTime: 60_000,
  });

export const useWorkspaceAdmins = (projectId: string, id: string, enabled: boolean) =>
  useQuery({
    queryKey: supportDeskKeys.admins(projectId, id),
    queryFn: () => api.get<WorkspaceAdmin[]>(`/v1/config/support-desk/${id}/admins`, { projectId }),
    enabled,
    staleTime: 60_000,
  });

export const previewTemplate = (projectId: string, id: string, template: string, signal?: AbortSignal) =>
  api.post<TemplatePreviewResponse>(`/v1/config/support-desk/${id}/template-preview`, { template }, { projectId, signal });

export function useBindingMutations(projectId: string, id: string) {
  const qc = useQueryClient();
  return {
    save: useMutation({
      mutationFn: (input: BindingUpdate) => api.put<BindingView>(`/v1/config/support-desk/${id}`, input, { projectId }),
      onSuccess: (b) => {
        qc.setQueryData(supportDeskKeys.binding(projectId, id), b);
        return qc.invalidateQueries({ queryKey: supportDeskKeys.list(projectId) });
      },
    }),
    disconnect: useMutation({
      mutationFn: () => api.del<BindingView>(`/v1/config/support-desk/${id}`, undefined, { projectId }),
      onSuccess: (b) => {
        if (b && typeof b === 'object' && 'id' in b) qc.setQueryData(supportDeskKeys.binding(projectId, id), b);
        return qc.invalidateQueries({ queryKey: supportDeskKeys.all(projectId) });
      },
    }),
  };
}

export const useConversations = (projectId: string, bindingId: string, page: number) =>
  useQuery({
    queryKey: supportDeskKeys.conversations(projectId, bindingId, page),
    queryFn: () => api.get<Paginated<ConversationSummary>>(`/v1/support-desk/conversations/${bindingId}`, { projectId, query: { page, limit: 20 } }),
    placeholderData: (prev) => prev,
  });

export const useConversation = (projectId: string, bindingId: string, cid: string) =>
  useQuery({
    queryKey: supportDeskKeys.conversation(projectId, bindingId, cid),
    queryFn: () => api.get<ConversationDetail>(`/v1/support-desk/conversations/${bindingId}/${encodeURIComponent(cid)}`, { projectId }),
  });

export const useConversationCanvas = (projectId: string, bindingId: string, cid: string) =>
  useQuery({
    queryKey: supportDeskKeys.canvas(projectId, bindingId, cid),
    queryFn: () =>
      api.get<{ canvas: { content: { components: unknown[] }; stored_data?: unknown } }>(
        `/v1/support-desk/conversations/${bindingId}/${encodeURIComponent(cid)}/canvas`,
        { projectId },
      ),
  });
