import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BindingClients } from './binding-client';
import { BindingsService } from './bindings.service';
import { LiveBindings } from './live-bindings.service';
import { SupportDeskRegistry } from './provider';

/** An unsigned notice probes a binding's token at most once per this many minutes (issue 19 item 8), across replicas. */
export const UNINSTALL_PROBE_MINUTES = 5;

/**
 * The platform's uninstall notice (contract §6): a valid signature (checked by the platform's guard) marks the
 * workspace's bindings inactive (reason `uninstalled`); otherwise probe each stored token — at most once per binding
 * per 5 minutes, so a flood of unsigned notices costs one call — and only a rejection marks it inactive. Idempotent.
 * Always answered 200.
 */
@Injectable()
export class UninstallService {
  private readonly logger = new Logger('webhook');

  constructor(
    private readonly ds: DataSource,
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
        if (!(await this.claimProbe(b.id))) {
          this.logger.warn(
            { event: 'uninstall.probe_skipped', bindingId: b.id },
            `unsigned uninstall notice: token probed less than ${UNINSTALL_PROBE_MINUTES} minutes ago, nothing done`,
          );
          continue;
        }
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

  /** Takes the binding's probe slot for the next 5 minutes (one statement: one winner across replicas). */
  private async claimProbe(bindingId: string): Promise<boolean> {
    const r = await this.ds.query(
      `UPDATE support_desk_bindings SET "uninstallProbeAt" = now()
       WHERE id = $1 AND ("uninstallProbeAt" IS NULL OR "uninstallProbeAt" < now() - make_interval(mins => $2)) RETURNING id`,
      [bindingId, UNINSTALL_PROBE_MINUTES],
    );
    const rows = Array.isArray(r[0]) ? r[0] : r;
    return rows.length > 0;
  }
}
