import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, LoginResponse, MeView, SignupRequest, UserView } from '@app/contracts';
import { api } from '@/lib/api-client';

export const authKeys = { me: ['auth', 'me'] as const };

export const getMe = () => api.get<MeView>('/v1/auth/me');
export const meQueryOptions = () => queryOptions({ queryKey: authKeys.me, queryFn: getMe, staleTime: 60_000 });
export const useMe = () => useQuery(meQueryOptions());

export const login = (input: LoginRequest) => api.post<LoginResponse>('/v1/auth/login', input);

export const signup = (input: SignupRequest) => api.post<{ user: UserView; token?: string }>('/v1/auth/signup', input);
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
