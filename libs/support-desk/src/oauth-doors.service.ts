import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { Answer, type OAuthCallbackQuery, type SessionCaller } from './http/doors';
import { InstallError, InstallService } from './install.service';
import { errorPage, projectPickerPage } from './pages';
import { SupportDeskRegistry } from './provider';

/**
 * The browser legs of installing a platform (contract §5), as answers: redirects to the platform's authorize page,
 * the app-store entry (log in, pick a project) and the callback's readable error pages. Platform-agnostic: each
 * platform's controller mounts them under /oauth/<platform>/….
 */
@Injectable()
export class OAuthDoors {
  constructor(
    private readonly ds: DataSource,
    private readonly install: InstallService,
    private readonly registry: SupportDeskRegistry,
  ) {}

  /** From the SPA (Project → Support Desk → Connect platform): 302 to the platform's authorize page. */
  async dashboardStart(platform: string, caller: { tenantId: string; userId: string }, projectId: unknown): Promise<Answer> {
    return Answer.redirect(await this.install.start(platform, caller, typeof projectId === 'string' ? projectId : ''));
  }

  /** The direct installation URL (app store listing): log in, pick a project, then the same flow. */
  async appStoreStart(platform: string, caller: SessionCaller | null, projectId: unknown): Promise<Answer> {
    const self = `/oauth/${platform}/start`;
    if (!caller) return Answer.redirect(`/login?next=${encodeURIComponent(self)}`);
    if (!caller.permissions.has('config:write'))
      return Answer.html(403, errorPage('Your SigSentry role cannot connect platforms (config:write is required).', '/'));
    const id = typeof projectId === 'string' ? projectId : '';
    if (!id) {
      const projects = await this.ds.getRepository(ProjectEntity).find({ where: { tenantId: caller.tenantId }, order: { createdAt: 'ASC' } });
      return Answer.html(200, projectPickerPage(this.registry.get(platform).displayName, projects, self));
    }
    try {
      return Answer.redirect(await this.install.start(platform, caller, id, 'app_store'));
    } catch (e) {
      // Only a project that is not there is "not found"; any other failure (the database) stays an error.
      if (e instanceof AppError && e.code === 'NOT_FOUND')
        return Answer.html(400, errorPage('That project was not found in your organization.', self, 'Choose another project'));
      throw e;
    }
  }

  /** The OAuth callback: the binding's Configure page, or a readable error (app store installs go back there). */
  async callback(platform: string, caller: SessionCaller | null, q: OAuthCallbackQuery): Promise<Answer> {
    try {
      const { redirect } = await this.install.complete(platform, q, caller);
      return Answer.redirect(redirect);
    } catch (e) {
      if (!(e instanceof InstallError)) throw e;
      if (e.flow === 'app_store' && caller) return Answer.redirect(this.registry.get(platform).installRedirects.appStoreFailure(e.message));
      return Answer.html(400, errorPage(e.message, caller ? '/projects' : '/login'));
    }
  }
}
