import { Controller, Get, Head, HttpCode, Post, Query, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, DashboardOnly, RequirePermissions, type Principal } from '@app/accounts';
import { RawResponse } from '@app/core';
import {
  Answer,
  AnswerFilter,
  AnswerInterceptor,
  CallerOf,
  OAuthCallback,
  OAuthDoors,
  RawBodyOf,
  SessionCallerGuard,
  SignatureVerified,
  UninstallService,
  type OAuthCallbackQuery,
  type RawBody,
  type SessionCaller,
} from '@app/support-desk';
import { IntercomSigned } from './intercom-signature.guard';

const PLATFORM = 'intercom';

/**
 * Intercom's doors: install (OAuth), the webhook URL check (HEAD) and the uninstall notice. DTO in, answer out.
 * `POST /webhooks/intercom` itself is served by support-desk's WebhookDoor, mounted before Nest's router (apps/api).
 */
@ApiTags('intercom')
@Controller()
@UseFilters(AnswerFilter)
@UseInterceptors(AnswerInterceptor)
export class IntercomController {
  constructor(
    private readonly oauth: OAuthDoors,
    private readonly uninstall: UninstallService,
  ) {}

  /** SPA: Project → Support Desk → Connect platform → Intercom. 302 to Intercom's authorize page. */
  @Get('v1/support-desk/intercom/install')
  @DashboardOnly()
  @RequirePermissions('config:write')
  @RawResponse()
  @ApiResponse({ status: 302, description: "Redirect to Intercom's authorize page (a single-use OAuth state is stored)" })
  startInstall(@CurrentPrincipal() p: Principal, @Query('projectId') projectId?: string): Promise<Answer> {
    return this.oauth.dashboardStart(PLATFORM, { tenantId: p.tenantId, userId: p.userId! }, projectId);
  }

  /** Direct installation URL (App Store listing): log in, pick a project, same flow. */
  @Get('oauth/intercom/start')
  @ApiExcludeEndpoint()
  @UseGuards(SessionCallerGuard)
  directInstall(@CallerOf() caller: SessionCaller | null, @Query('projectId') projectId?: string): Promise<Answer> {
    return this.oauth.appStoreStart(PLATFORM, caller, projectId);
  }

  @Get('oauth/intercom/callback')
  @ApiExcludeEndpoint()
  @UseGuards(SessionCallerGuard)
  callback(@CallerOf() caller: SessionCaller | null, @OAuthCallback() q: OAuthCallbackQuery): Promise<Answer> {
    return this.oauth.callback(PLATFORM, caller, q);
  }

  /** Intercom validates the webhook URL with a HEAD request when it is saved. */
  @Head('webhooks/intercom')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  head() {
    return '';
  }

  @Post('webhooks/intercom/uninstall')
  @HttpCode(200)
  @IntercomSigned('uninstall')
  @ApiExcludeEndpoint()
  async uninstallNotice(@RawBodyOf() raw: RawBody, @SignatureVerified() signed: boolean): Promise<{ received: true }> {
    await this.uninstall.handle(PLATFORM, raw, signed);
    return { received: true };
  }
}
