import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type Role = 'owner' | 'admin' | 'member' | 'viewer' | 'analyst';
export type Permission = 'analysis:read' | 'analysis:create' | 'config:read' | 'config:write' | 'apikey:write' | 'team:read' | 'team:manage' | 'project:delete';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  tenantId: string;
}

export interface Me {
  user: User;
  tenant: { id: string; name: string };
  permissions: Permission[];
}

export const authKeys = { me: ['auth', 'me'] as const };

export const getMe = () => api.get<Me>('/v1/auth/me');
export const meQueryOptions = () => queryOptions({ queryKey: authKeys.me, queryFn: getMe, staleTime: 60_000 });
export const useMe = () => useQuery(meQueryOptions());

export interface LoginInput {
  email: string;
  password: string;
}
export const login = (input: LoginInput) => api.post<{ user: User; token: string }>('/v1/auth/login', input);

export interface SignupInput {
  name: string;
  email: string;
  password: string;
  companyName: string;
}
export const signup = (input: SignupInput) => api.post<{ user: User; token?: string }>('/v1/auth/signup', input);
export const logout = () => api.post<unknown>('/v1/auth/logout', {});

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async () => {
      qc.clear();
      await qc.fetchQuery(meQueryOptions());
    },
  });
}

export function useSignup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: signup,
    onSuccess: async () => {
      qc.clear();
      // Signup may or may not open a session; /me tells.
      await qc.fetchQuery(meQueryOptions()).catch(() => undefined);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      qc.clear();
    },
  });
}
