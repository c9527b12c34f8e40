import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Incident,
  IncidentChange,
  IncidentCustomerUpdate,
  IncidentDetail,
  IncidentStatus,
  IncidentUpdateAccepted,
  IncidentUpdateRequest,
  Paginated,
} from '@app/contracts';
import { api } from '@/lib/api-client';
import { updateDone } from '../incident-view';

export interface IncidentFilters {
  page: number;
  status?: IncidentStatus;
  service?: string;
}

export const incidentKeys = {
  all: (projectId: string) => ['incidents', projectId] as const,
  list: (projectId: string, f: IncidentFilters) => [...incidentKeys.all(projectId), 'list', f] as const,
  detail: (projectId: string, id: string) => [...incidentKeys.all(projectId), 'detail', id] as const,
  update: (projectId: string, id: string, updateId: string) => [...incidentKeys.detail(projectId, id), 'update', updateId] as const,
};

export const POLL_MS = 2000;

export const useIncidents = (projectId: string, f: IncidentFilters) =>
  useQuery({
    queryKey: incidentKeys.list(projectId, f),
    queryFn: () => api.get<Paginated<Incident>>('/v1/incidents', { projectId, query: { page: f.page, limit: 20, status: f.status, service: f.service } }),
    placeholderData: (prev) => prev,
    // Incidents grow while customers write in: refresh the open ones now and then.
    refetchInterval: (q) => (q.state.data?.items.some((i) => i.status === 'open') ? POLL_MS * 5 : false),
  });

/** Polls while its analysis runs or an update is still being delivered. */
export const useIncident = (projectId: string, id: string) =>
  useQuery({
    queryKey: incidentKeys.detail(projectId, id),
    queryFn: () => api.get<IncidentDetail>(`/v1/incidents/${id}`, { projectId }),
    refetchInterval: (q) => {
      const d = q.state.data;
      if (!d) return false;
      const busy = d.analyses.some((a) => a.status === 'pending' || a.status === 'processing') || d.updates.some((u) => !updateDone(u));
      return busy ? POLL_MS : d.status === 'open' ? POLL_MS * 5 : false;
    },
  });

/** Progress of one "update all customers", polled until nothing is pending. */
export const useIncidentUpdate = (projectId: string, id: string, updateId: string | null) =>
  useQuery({
    queryKey: incidentKeys.update(projectId, id, updateId ?? ''),
    queryFn: () => api.get<IncidentCustomerUpdate>(`/v1/incidents/${id}/updates/${updateId}`, { projectId }),
    enabled: !!updateId,
    refetchInterval: (q) => (q.state.data && updateDone(q.state.data) ? false : POLL_MS),
  });

export function useIncidentMutations(projectId: string, id: string) {
  const qc = useQueryClient();
  const refresh = (detail?: IncidentDetail) => {
    if (detail) qc.setQueryData(incidentKeys.detail(projectId, id), detail);
    return qc.invalidateQueries({ queryKey: incidentKeys.all(projectId) });
  };
  return {
    change: useMutation({
      mutationFn: (input: IncidentChange) => api.put<Incident>(`/v1/incidents/${id}`, input, { projectId }),
      onSuccess: () => refresh(),
    }),
    merge: useMutation({
      mutationFn: (otherId: string) => api.post<IncidentDetail>(`/v1/incidents/${id}/merge`, { incidentId: otherId }, { projectId }),
      onSuccess: (d) => refresh(d),
    }),
    unlink: useMutation({
      mutationFn: (c: { bindingId: string; conversationId: string }) =>
        api.del<IncidentDetail>(`/v1/incidents/${id}/conversations/${c.bindingId}/${encodeURIComponent(c.conversationId)}`, undefined, { projectId }),
      onSuccess: (d) => refresh(d),
    }),
    sendUpdate: useMutation({
      // The form is disabled while this runs, and it sends one Idempotency-Key per message: a resend after a lost
      // answer (or a second click) finds the first update instead of reaching every customer twice.
      mutationFn: ({ key, ...input }: IncidentUpdateRequest & { key: string }) =>
        api.post<IncidentUpdateAccepted>(`/v1/incidents/${id}/updates`, input, { projectId, idempotencyKey: key }),
      onSuccess: () => refresh(),
    }),
  };
}
