import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';

export type PostingMode = 'internal' | 'public' | 'both';
export type AutoAnalyzeThreshold = 'disabled' | 'critical' | 'high' | 'medium' | 'low';
export type AttributeKey = 'severity' | 'affected_service' | 'analysis_url' | 'confidence' | 'summary';

export interface HealthCheck {
  code: string;
  ok: boolean;
  detail: string;
  fix: string;
  since: string | null;
}

export interface Binding {
  id: string;
  projectId: string;
  platform: 'intercom';
  workspaceId: string;
  workspaceName: string;
  region: string;
  timezone: string;
  status: 'active' | 'inactive' | 'needs_reinstall';
  installedBy: { adminId: string; name: string | null; email: string | null; userId: string | null } | null;
  inactiveReason?: string | null;
  lastEventAt?: string | null;
  installedAt: string;
  replyAsAdminId: string | null;
  subscriptions: { mode: string; events: string[]; topics: string[] };
  health: { ok: boolean; checks: HealthCheck[] };
  postingMode: PostingMode;
  autoAnalyzeThreshold: AutoAnalyzeThreshold;
  timeBufferHours: number;
  attributeMapping: Partial<Record<AttributeKey, string>>;
  publicReplyTemplate: string;
}

export type BindingUpdate = Partial<
  Pick<Binding, 'postingMode' | 'autoAnalyzeThreshold' | 'timeBufferHours' | 'attributeMapping' | 'publicReplyTemplate' | 'replyAsAdminId'>
>;

export interface WorkspaceAttribute {
  name: string;
  dataType: string;
  apiWritable: boolean;
}

export interface WorkspaceAdmin {
  id: string;
  name: string;
  email: string;
}

export interface ConversationSummary {
  conversationId: string;
  subject: string | null;
  customerName: string | null;
  severity: string | null;
  affectedService: string | null;
  lastTriagedAt: string | null;
  analysisCount: number;
}

export interface Evidence {
  kind: string;
  signal: string;
  match: string;
  detail: string;
  weight?: number;
}

export interface Triage {
  id: string;
  createdAt: string;
  reason: 'created' | 'customer_reply';
  severity: string;
  affectedService: string | null;
  window: { start: string; end: string };
  summary: string;
  keywords: string[];
  confidence: number;
  model: string;
  evidence: Evidence[];
}

export interface ConversationDetail {
  conversationId: string;
  subject: string | null;
  triages: Triage[];
  analyses: { id: string; status: string; severity: string | null; trigger: string; createdAt: string; url: string }[];
}

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
  useQuery(queryOptions({ queryKey: supportDeskKeys.list(projectId), queryFn: () => api.get<Binding[]>('/v1/config/support-desk', { projectId }) }));

export const useBinding = (projectId: string, id: string) =>
  useQuery(queryOptions({ queryKey: supportDeskKeys.binding(projectId, id), queryFn: () => api.get<Binding>(`/v1/config/support-desk/${id}`, { projectId }) }));

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
  api.post<{ rendered: string }>(`/v1/config/support-desk/${id}/template-preview`, { template }, { projectId, signal });

export function useBindingMutations(projectId: string, id: string) {
  const qc = useQueryClient();
  return {
    save: useMutation({
      mutationFn: (input: BindingUpdate) => api.put<Binding>(`/v1/config/support-desk/${id}`, input, { projectId }),
      onSuccess: (b) => {
        qc.setQueryData(supportDeskKeys.binding(projectId, id), b);
        return qc.invalidateQueries({ queryKey: supportDeskKeys.list(projectId) });
      },
    }),
    disconnect: useMutation({
      mutationFn: () => api.del<Binding>(`/v1/config/support-desk/${id}`, undefined, { projectId }),
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
