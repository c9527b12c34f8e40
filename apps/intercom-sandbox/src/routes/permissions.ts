/**
 * Developer Hub permissions (reference §1.8): an app that lacks the permission a call needs gets
 * `401 token_unauthorized` "Not authorized to access resource" on that call (Intercom's OpenAPI 2.16), while its token
 * keeps working for every other call. Which permission each route needs follows the reference's names; for listing
 * data attributes the reference names none, so the sandbox asks for "Read and list users and companies".
 */
import type { Request } from 'express';

export const PERMISSIONS = {
  readConversations: 'Read conversations',
  writeConversations: 'Write conversations',
  readAdmins: 'Read admins',
  readOneAdmin: 'Read one admin',
  readUsers: 'Read and list users and companies',
  writeDataAttributes: 'Write data attributes',
  readTags: 'Read tags',
  writeTags: 'Write tags',
} as const;

const P = PERMISSIONS;

/** Any one of these permissions lets the request through; null = no permission needed. */
export function requiredPermissions(req: Pick<Request, 'method' | 'path'>): string[] | null {
  const m = req.method.toUpperCase();
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path === '/me') return [P.readOneAdmin, P.readAdmins];
  if (path.startsWith('/admins')) return [P.readAdmins];
  if (path === '/data_attributes' || path === '/conversations/attributes' || path.startsWith('/conversations/attributes/'))
    return m === 'GET' ? [P.readUsers] : [P.writeDataAttributes];
  if (path === '/tags') return m === 'GET' ? [P.readTags] : [P.writeTags];
  if (/^\/conversations\/[^/]+\/tags/.test(path)) return [P.writeTags];
  if (path === '/conversations/search') return [P.readConversations];
  if (path.startsWith('/conversations')) return m === 'GET' ? [P.readConversations] : [P.writeConversations];
  return null;
}
