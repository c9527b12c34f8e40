import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type KeyType = 'public' | 'secret' | 'org';

export interface ApiKey {
  id: string;
  name: string;
  type: KeyType;
  prefix: string;
  projectId: string | null;
  permissions: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface CreateKeyInput {
  name: string;
  type: KeyType;
  projectId?: string;
  permissions: string[];
}

/** Key permissions (keys cannot mint keys or manage the team). Public keys are locked to analysis:create + analysis:read. */
export const KEY_PERMISSIONS = ['analysis:create', 'analysis:read', 'config:read', 'config:write'] as const;
export const PUBLIC_KEY_PERMISSIONS = ['analysis:create', 'analysis:read'];

export const apiKeyKeys = { list: ['api-keys', 'list'] as const };

export const useApiKeys = () => useQuery({ queryKey: apiKeyKeys.list, queryFn: () => api.get<ApiKey[]>('/v1/config/api-keys') });

export function useApiKeyMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: apiKeyKeys.list });
  return {
    create: useMutation({ mutationFn: (input: CreateKeyInput) => api.post<ApiKey & { key: string }>('/v1/config/api-keys', input), onSuccess: invalidate }),
    revoke: useMutation({ mutationFn: (id: string) => api.del<unknown>(`/v1/config/api-keys/${id}`), onSuccess: invalidate }),
  };
}

export function validateKey(v: { name: string; type: KeyType; projectId: string; permissions: string[] }): Record<string, string | undefined> {
  return {
    name: !v.name.trim() ? 'Enter a name' : v.name.trim().length > 255 ? 'At most 255 characters' : undefined,
    projectId: v.type !== 'org' && !v.projectId ? 'Choose the project this key belongs to' : undefined,
    permissions:
      v.permissions.length === 0
        ? 'Choose at least one permission'
        : v.type === 'public' && v.permissions.some((p) => !PUBLIC_KEY_PERMISSIONS.includes(p))
          ? 'Public keys can only have analysis:create and analysis:read'
          : undefined,
  };
}
