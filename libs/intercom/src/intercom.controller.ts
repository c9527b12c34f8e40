import { Controller, Get, Head, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthService } from '@app/accounts/auth/auth.service';
import { CurrentPrincipal, DashboardOnly, RequirePermissions } from '@app/accounts/auth/decorators';
import { Principal, SESSION_COOKIE } from '@app/accounts/auth/principal';
import { APP_CONFIG } from '@app/core/config/config.module';
import type { AppConfig } from '@app/core/config/config';
import { RawResponse } from '@app/core/http/decorators';
import { ProjectEntity } from '@app/projects/project.entity';
import { IngestService } from '@app/support-desk/ingest.service';
import { InstallError, InstallService } from '@app/support-desk/install.service';
import { errorPage, projectPickerPage } from '@app/support-desk/pages';
import { UninstallService } from '@app/support-desk/uninstall.service';

const PLATFORM = 'intercom';

type RawReq = Request & { rawBody?: Buffer; rawBodyTooLarge?: boolean; id?: string };

/** Intercom's doors: install (OAuth), the webhook receiver and the uninstall notice. Thin: services do the work. */
@ApiTags('intercom')
@Controller()
export class IntercomController {
  constructor(
    private readonly install: InstallService,
    private readonly ingest: IngestService,
    private readonly uninstall: UninstallService,
    private readonly auth: AuthService,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async sessionCaller(req: Request) {
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return null;
    try {
      const p = await this.auth.resolve(String(token), true);
      return p.kind === 'session' && p.userId ? { tenantId: p.tenantId, userId: p.userId, permissions: p.permissions } : null;
    } catch {
      return null;
    }
  }

  /** SPA: Project → Support Desk → Connect platform → Intercom. 302 to Intercom's authorize page. */
  @Get('v1/support-desk/intercom/install')
  @DashboardOnly()
  @RequirePermissions('config:write')
  @RawResponse()
  async startInstall(@CurrentPrincipal() p: Principal, @Query('projectId') projectId: string, @Res() res: Response) {
    res.redirect(302, await this.install.start(PLATFORM, { tenantId: p.tenantId, userId: p.userId! }, String(projectId ?? '')));
  }

  /** Direct installation URL (App Store listing): log in, pick a project, same flow. */
  @Get('oauth/intercom/start')
  @ApiExcludeEndpoint()
  async directInstall(@Req() req: Request, @Query('projectId') projectId: string | undefined, @Res() res: Response) {
    const caller = await this.sessionCaller(req);
    if (!caller) return res.redirect(302, `/login?next=${encodeURIComponent('/oauth/intercom/start')}`);
    if (!caller.permissions.has('config:write'))
      return res.status(403).type('html').send(errorPage('Your SigSentry role cannot connect platforms (config:write is required).', '/'));
    if (!projectId) {
      const projects = await this.ds.getRepository(ProjectEntity).find({ where: { tenantId: caller.tenantId }, order: { createdAt: 'ASC' } });
      return res.type('html').send(projectPickerPage('Intercom', projects, '/oauth/intercom/start'));
    }
    try {
      return res.redirect(302, await this.install.start(PLATFORM, caller, projectId, 'app_store'));
    } catch {
      return res
        .status(400)
        .type('html')
        .send(errorPage('That project was not found in your organization.', '/oauth/intercom/start', 'Choose another project'));
    }
  }

  @Get('oauth/intercom/callback')
  @ApiExcludeEndpoint()
  async callback(@Req() req: Request, @Query() q: Record<string, string>, @Res() res: Response) {
    const caller = await this.sessionCaller(req);
    try {
      const { redirect } = await this.install.complete(
        PLATFORM,
        { code: q.code, state: q.state, error: q.error, error_description: q.error_description },
        caller,
      );
      res.redirect(302, redirect);
    } catch (e) {
      if (e instanceof InstallError) {
        if (e.flow === 'app_store' && caller) {
          return res.redirect(302, `https://app.intercom.com/appstore/redirect?install_success=false&error_message=${encodeURIComponent(e.message)}`);
        }
        return res
          .status(400)
          .type('html')
          .send(errorPage(e.message, caller ? '/projects' : '/login'));
      }
      throw e;
    }
  }

  /** Intercom validates the webhook URL with a HEAD request when it is saved. */
  @Head('webhooks/intercom')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  head() {
    return '';
  }

  @Post('webhooks/intercom')
  @RawResponse()
  @ApiExcludeEndpoint()
  async webhook(@Req() req: RawReq, @Res() res: Response) {
    const answer = await this.ingest.ingest(PLATFORM, { body: req.rawBody, tooLarge: req.rawBodyTooLarge }, req.headers, String(req.id ?? ''));
    res.status(answer.status).json(answer.body);
  }

  @Post('webhooks/intercom/uninstall')
  @RawResponse()
  @ApiExcludeEndpoint()
  async uninstallNotice(@Req() req: RawReq, @Res() res: Response) {
    await this.uninstall.handle(PLATFORM, { body: req.rawBody, tooLarge: req.rawBodyTooLarge }, req.headers);
    res.status(200).json({ received: true });
  }
}
