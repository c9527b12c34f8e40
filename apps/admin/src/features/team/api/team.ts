import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { CreateMemberRequest, RemovedMemberView, TeamMemberView, UpdateMemberRequest, UserView } from '@app/contracts';

export const teamKeys = { members: ['team', 'members'] as const };

/** "2 API keys" / "1 API key". */
export const keyCount = (n: number) => `${n} API key${n === 1 ? '' : 's'}`;

export const useMembers = () => useQuery({ queryKey: teamKeys.members, queryFn: () => api.get<TeamMemberView[]>('/v1/team/members') });

export function useTeamMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: teamKeys.members });
  return {
    add: useMutation({
      mutationFn: (input: CreateMemberRequest) => api.post<UserView>('/v1/team/members', input),
      onSuccess: invalidate,
    }),
    changeRole: useMutation({
      mutationFn: ({ id, role }: { id: string } & UpdateMemberRequest) => api.put<UserView>(`/v1/team/members/${id}`, { role }),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api.del<RemovedMemberView>(`/v1/team/members/${id}`),
      onSuccess: () => {
        invalidate();
        // Their keys were revoked: the key list changed too.
        qc.invalidateQueries({ queryKey: ['api-keys'] });
      },
    }),
  };
}
