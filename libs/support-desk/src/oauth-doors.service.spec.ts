/*
 * Unit: the app-store entry and the OAuth callback as answers, with InstallService replaced by an in-memory fake.
 * The full flow (real app, database and a platform stand-in) is covered by the e2e specs under test/.
 */
import { AppError } from '@app/core';
import type { DataSource } from 'typeorm';
import { InstallError, type InstallService } from './install.service';
import { OAuthDoors } from './oauth-doors.service';
import { SupportDeskRegistry, type SupportDeskProvider } from './provider';

const caller = { tenantId: 't1', userId: 'u1', permissions: new Set(['config:write']) };

function doors(install: Partial<InstallService>) {
  const registry = new SupportDeskRegistry();
  registry.register({
    platform: 'desk',
    displayName: 'Desk',
    installRedirects: { appStoreSuccess: 'https://desk.example/ok', appStoreFailure: (m: string) => `https://desk.example/failed?m=${encodeURIComponent(m)}` },
  } as unknown as SupportDeskProvider);
  return new OAuthDoors({} as DataSource, install as InstallService, registry);
}

describe('OAuthDoors: what the browser is answered', () => {
  it('answers "project not found" only for a project that is not there', async () => {
    const a = await doors({ start: async () => Promise.reject(new AppError('NOT_FOUND', 'Project not found')) }).appStoreStart('desk', caller, 'p-gone');
    expect(a.status).toBe(400);
    expect(String(a.body)).toContain('That project was not found in your organization.');
  });

  it('lets a database failure be an error (500), never "project not found"', async () => {
    const dbDown = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(doors({ start: async () => Promise.reject(dbDown) }).appStoreStart('desk', caller, 'p1')).rejects.toBe(dbDown);
    await expect(doors({ complete: async () => Promise.reject(dbDown) }).callback('desk', caller, { code: 'c', state: 's' })).rejects.toBe(dbDown);
  });

  it('sends logged-out visitors to the login page and refuses roles without config:write', async () => {
    const d = doors({});
    const out = await d.appStoreStart('desk', null, undefined);
    expect(out).toMatchObject({ status: 302, location: '/login?next=%2Foauth%2Fdesk%2Fstart' });
    const viewer = await d.appStoreStart('desk', { ...caller, permissions: new Set(['config:read']) }, 'p1');
    expect(viewer.status).toBe(403);
  });

  it("answers a failed callback with a readable page, or back to the platform's app store for app-store installs", async () => {
    const fail = (flow: 'dashboard' | 'app_store') =>
      doors({ complete: async () => Promise.reject(new InstallError('This installation link expired.', flow)) });
    const page = await fail('dashboard').callback('desk', caller, { state: 's' });
    expect(page.status).toBe(400);
    expect(String(page.body)).toContain('This installation link expired.');
    const store = await fail('app_store').callback('desk', caller, { state: 's' });
    expect(store).toMatchObject({ status: 302, location: 'https://desk.example/failed?m=This%20installation%20link%20expired.' });
  });
});
