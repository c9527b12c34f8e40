import { Injectable, Logger } from '@nestjs/common';
import { BindingsService } from './bindings.service';
import { SupportDeskRegistry } from './provider';

/**
 * The platform's uninstall notice (contract §6): a valid signature marks the workspace's bindings inactive
 * (reason `uninstalled`); otherwise probe each stored token and only a rejection marks it inactive. Idempotent.
 */
@Injectable()
export class UninstallService {
  private readonly logger = new Logger('webhook');

  constructor(
    private readonly registry: SupportDeskRegistry,
    private readonly bindings: BindingsService,
  ) {}

  async handle(
    platform: string,
    raw: { body?: Buffer; tooLarge?: boolean },
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ deactivated: number }> {
    const provider = this.registry.get(platform);
    if (raw.tooLarge || !raw.body) return { deactivated: 0 };
    let payload: unknown;
    try {
      payload = JSON.parse(raw.body.toString('utf8'));
    } catch {
      this.logger.warn({ event: 'uninstall.malformed' }, 'uninstall notice is not JSON');
      return { deactivated: 0 };
    }
    const workspaceId = provider.uninstallWorkspaceId(payload);
    if (!workspaceId) return { deactivated: 0 };
    const live = await this.bindings.liveByWorkspace(platform, workspaceId);
    const signed = provider.verifyUninstallNotice(raw.body, headers);
    let deactivated = 0;
    for (const b of live) {
      if (!signed) {
        const works = await provider.tokenWorks(this.bindings.auth(b)).catch(() => true);
        if (works) {
          this.logger.warn({ event: 'uninstall.unsigned_ignored', bindingId: b.id }, 'unsigned uninstall notice: token still works, nothing changed');
          continue;
        }
      }
      await this.bindings.deactivate(b, 'uninstalled');
      deactivated++;
      this.logger.log({ event: 'uninstall.deactivated', bindingId: b.id, signed }, 'binding marked inactive (uninstalled)');
    }
    return { deactivated };
  }
}
