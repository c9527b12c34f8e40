import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PUBLIC_KEY_PERMISSIONS, type ApiKeyView, type CreateApiKeyRequest, type CreatedApiKey, type KeyType } from '@app/contracts';
import { api } from '@/lib/api-client';

export const apiKeyKeys = { list: ['api-keys', 'list'] as const };

/** The key's creator as the list shows it, or what is known once they left the team. */
export function creatorLabel(k: Pick<ApiKeyView, 'createdBy'>): string {
  if (!k.createdBy) return '—';
  if (k.createdBy.removed) return 'a removed member';
  return k.createdBy.name || k.createdBy.email || '—';
}

export const useApiKeys = () => useQuery({ queryKey: apiKeyKeys.list, queryFn: () => api.get<ApiKeyView[]>('/v1/config/api-keys') });

export function useApiKeyMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: apiKeyKeys.list });
  return {
    create: useMutation({ mutationFn: (input: CreateApiKeyRequest) => api.post<CreatedApiKey>('/v1/config/api-keys', input), onSuccess: invalidate }),
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
        : v.type === 'public' && v.permissions.some((p) => !(PUBLIC_KEY_PERMISSIONS as readonly string[]).includes(p))
          ? 'Public keys can only have analysis:create and analysis:read'
          : undefined,
  };
}
