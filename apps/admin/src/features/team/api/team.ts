import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Role } from '@/features/auth/api/auth';

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export const ASSIGNABLE_ROLES = ['admin', 'member', 'viewer'] as const;

export const teamKeys = { members: ['team', 'members'] as const };

export const useMembers = () => useQuery({ queryKey: teamKeys.members, queryFn: () => api.get<Member[]>('/v1/team/members') });

export function useTeamMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: teamKeys.members });
  return {
    add: useMutation({
      mutationFn: (input: { email: string; name: string; password: string; role: string }) => api.post<Member>('/v1/team/members', input),
      onSuccess: invalidate,
    }),
    changeRole: useMutation({
      mutationFn: ({ id, role }: { id: string; role: string }) => api.put<Member>(`/v1/team/members/${id}`, { role }),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.del<unknown>(`/v1/team/members/${id}`), onSuccess: invalidate }),
  };
}

/** Product §2.2: nobody changes the owner or themselves; members and viewers change nobody. */
export function canManageMember(actor: { id: string; role: string }, target: { id: string; role: string }, hasTeamManage: boolean): boolean {
  if (!hasTeamManage) return false;
  if (actor.id === target.id) return false;
  if (target.role === 'owner') return false;
  return actor.role === 'owner' || actor.role === 'admin';
}
