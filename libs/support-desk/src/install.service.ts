import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { APP_CONFIG, randomToken, SecretBox, sha256Hex, AppError } from '@app/core';
import type { AppConfig } from '@app/core';
import { ProjectEntity } from '@app/projects';
import { BindingEntity, OAuthStateEntity } from './support-desk.entities';
import { ProviderError, SupportDeskRegistry } from './provider';

const STATE_TTL_MS = 10 * 60 * 1000;

/** A failed install, shown to the browser as a readable 400 page (contract §5). */
export class InstallError extends Error {
  constructor(
    message: string,
    public readonly flow: 'dashboard' | 'app_store' = 'dashboard',
  ) {
    super(message);
    this.name = 'InstallError';
  }
}

export interface InstallCaller {
  tenantId: string;
  userId: string;
}

@Injectable()
export class InstallService {
  private readonly logger = new Logger('oauth');

  constructor(
    private readonly ds: DataSource,
    private readonly box: SecretBox,
    private readonly registry: SupportDeskRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  redirectUri(platform: string): string {
    return `${this.config.publicUrl}/oauth/${platform}/callback`;
  }

  /** Creates a single-use state bound to the user and project, and returns the platform's authorize URL. */
  async start(platform: string, caller: InstallCaller, projectId: string, flow: 'dashboard' | 'app_store' = 'dashboard'): Promise<string> {
    const project = /^[0-9a-f-]{36}$/i.test(projectId)
      ? await this.ds.getRepository(ProjectEntity).findOne({ where: { id: projectId, tenantId: caller.tenantId } })
      : null;
    if (!project) throw new AppError('NOT_FOUND', 'Project not found');
    const state = randomToken(32);
    await this.ds.getRepository(OAuthStateEntity).insert({
      stateHash: sha256Hex(state),
      platform,
      tenantId: caller.tenantId,
      userId: caller.userId,
      projectId: project.id,
      flow,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    });
    this.ds.query(`DELETE FROM oauth_states WHERE "expiresAt" < now() - interval '1 day'`).catch(() => undefined);
    return this.registry.get(platform).authorizeUrl(state, this.redirectUri(platform));
  }

  /**
   * The callback: checks the state (exists, unused, unexpired, same user), consumes it, exchanges the code, identifies
   * the workspace and creates or refreshes the binding. Returns where to send the browser.
   */
  async complete(
    platform: string,
    q: { code?: string; state?: string; error?: string; error_description?: string },
    caller: InstallCaller | null,
  ): Promise<{ redirect: string; binding: BindingEntity }> {
    if (!q.state)
      throw new InstallError(
        q.error
          ? `The installation was cancelled in ${this.registry.get(platform).displayName} (${q.error}).`
          : 'The OAuth state is missing: start the installation again from SigSentry.',
      );
    const stateHash = sha256Hex(q.state);
    const row = await this.ds.getRepository(OAuthStateEntity).findOne({ where: { stateHash } });
    if (!row || row.platform !== platform) {
      this.logger.warn({ event: 'oauth.state_mismatch' }, 'unknown oauth state');
      throw new InstallError('This installation link is not valid (unknown state): start the installation again from SigSentry.');
    }
    const flow = row.flow;
    if (row.usedAt) {
      this.logger.warn({ event: 'oauth.state_reused' }, 'oauth state reused');
      throw new InstallError('This installation link was already used: start the installation again from SigSentry.', flow);
    }
    if (row.expiresAt.getTime() < Date.now())
      throw new InstallError('This installation link expired (10 minutes): start the installation again from SigSentry.', flow);
    if (!caller) throw new InstallError('You are not logged in to SigSentry in this browser: log in and start the installation again.', flow);
    if (caller.userId !== row.userId || caller.tenantId !== row.tenantId) {
      this.logger.warn({ event: 'oauth.state_other_user' }, 'oauth state of another user');
      throw new InstallError('This installation was started by another SigSentry user: start it again from your own account.', flow);
    }
    const consumed = await this.ds.query(`UPDATE oauth_states SET "usedAt" = now() WHERE id = $1 AND "usedAt" IS NULL RETURNING id`, [row.id]);
    const consumedRows = Array.isArray(consumed[0]) ? consumed[0] : consumed;
    if (!consumedRows.length) throw new InstallError('This installation link was already used: start the installation again from SigSentry.', flow);
    if (q.error)
      throw new InstallError(
        `The installation was cancelled in ${this.registry.get(platform).displayName} (${q.error}${q.error_description ? `: ${q.error_description}` : ''}).`,
        flow,
      );
    if (!q.code) throw new InstallError('The authorization code is missing: start the installation again.', flow);

    const provider = this.registry.get(platform);
    let token: string;
    let identity;
    try {
      token = await provider.exchangeCode(q.code);
      identity = await provider.identify(token);
    } catch (e) {
      this.logger.warn({ event: 'oauth.exchange_failed', kind: e instanceof ProviderError ? e.kind : 'error' }, 'oauth exchange failed');
      throw new InstallError(
        `${provider.displayName} did not accept the authorization (${e instanceof ProviderError ? e.kind : 'error'}): start the installation again.`,
        flow,
      );
    }
    const project = await this.ds.getRepository(ProjectEntity).findOne({ where: { id: row.projectId } });
    if (!project) throw new InstallError('The SigSentry project of this installation was deleted: start the installation again from another project.', flow);
    const binding = await this.upsertBinding(platform, row.tenantId, project.id, caller.userId, token, identity);
    this.logger.log({ event: 'oauth.installed', bindingId: binding.id, workspaceId: binding.workspaceId }, 'support desk installed');
    const redirect =
      flow === 'app_store' ? provider.installRedirects.appStoreSuccess : `${this.config.publicUrl}/projects/${project.slug}/support-desk/${binding.id}`;
    return { redirect, binding };
  }

  private async upsertBinding(
    platform: string,
    tenantId: string,
    projectId: string,
    userId: string,
    token: string,
    id: Awaited<ReturnType<ReturnType<SupportDeskRegistry['get']>['identify']>>,
  ): Promise<BindingEntity> {
    const provider = this.registry.get(platform);
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(BindingEntity);
      // Serialise installs of one workspace.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${platform}:${id.workspaceId}`]);
      const live = await repo.find({ where: { platform, workspaceId: id.workspaceId } });
      const other = live.find((b) => b.status !== 'inactive' && b.projectId !== projectId);
      if (other)
        throw new InstallError(
          `This ${provider.displayName} workspace is already connected to another SigSentry project. Disconnect it there first, then install again.`,
        );
      const existing =
        live.find((b) => b.projectId === projectId && b.status !== 'inactive') ??
        live.filter((b) => b.projectId === projectId).sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
      const fields = {
        workspaceName: id.workspaceName,
        region: id.region,
        timezone: id.timezone,
        status: 'active' as const,
        inactiveReason: null,
        tokenSealed: this.box.seal(token),
        installedBy: { adminId: id.admin.id, name: id.admin.name, email: id.admin.email, userId },
        installedAt: new Date(),
        subscriptions: { mode: 'app' as const, events: [...provider.subscriptions.events], topics: [...provider.subscriptions.topics] },
      };
      try {
        if (existing) {
          const hs = { ...(existing.healthState ?? {}), tokenRejectedSince: null };
          await repo.update({ id: existing.id }, { ...fields, healthState: hs, replyAsAdminId: existing.replyAsAdminId ?? id.admin.id });
          return repo.findOneOrFail({ where: { id: existing.id } });
        }
        return await repo.save(
          repo.create({
            ...fields,
            tenantId,
            projectId,
            platform,
            workspaceId: id.workspaceId,
            replyAsAdminId: id.admin.id,
            healthState: {},
            attributeMapping: {},
          }),
        );
      } catch (e) {
        if (e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505') {
          throw new InstallError(
            `This ${provider.displayName} workspace is already connected to another SigSentry project. Disconnect it there first, then install again.`,
          );
        }
        throw e;
      }
    });
  }
}
