import { Injectable, Logger } from '@nestjs/common';
import { BindingClients } from './binding-client';
import { BindingsService } from './bindings.service';
import { LiveBindings } from './live-bindings.service';
import { SupportDeskRegistry } from './provider';

/**
 * The platform's uninstall notice (contract §6): a valid signature (checked by the platform's guard) marks the
 * workspace's bindings inactive (reason `uninstalled`); otherwise probe each stored token and only a rejection marks
 * it inactive. Idempotent. Always answered 200.
 */
@Injectable()
export class UninstallService {
  private readonly logger = new Logger('webhook');

  constructor(
    private readonly registry: SupportDeskRegistry,
    private readonly bindings: BindingsService,
    private readonly live: LiveBindings,
    private readonly clients: BindingClients,
  ) {}

  async handle(platform: string, raw: { body: Buffer | null; tooLarge: boolean }, signed: boolean): Promise<{ deactivated: number }> {
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
    let deactivated = 0;
    for (const b of await this.live.byWorkspace(platform, workspaceId)) {
      if (!signed) {
        const works = await this.clients
          .for(b)
          .tokenWorks()
          .catch(() => true);
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
