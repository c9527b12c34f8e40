import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@app/core';
import { LiveBindings } from './live-bindings.service';
import { AdminSummary, AttributeDefinition, ConversationContext, ProviderError, SupportDeskRegistry, TrackerTicketApi, WorkspaceApi } from './provider';
import { BindingEntity } from './support-desk.entities';

/**
 * One installation's client (Sentry's "installation"): the binding's token and region, the per-workspace calls of its
 * platform, and the single place where a rejected token becomes the binding's state. Callers still decide what a
 * refusal means for their own work (a post fails, attributes are dropped, a read finds nothing), but never change
 * the binding themselves. Built per use with `BindingClients.for(binding)`.
 */
export class BindingClient {
  constructor(
    readonly binding: BindingEntity,
    private readonly api: WorkspaceApi | null,
    private readonly onRejected: (e: ProviderError) => Promise<void>,
  ) {}

  readConversation(conversationId: string): Promise<ConversationContext> {
    return this.call((api) => api.readConversation(conversationId, this.binding));
  }

  postMessage(conversationId: string, msg: { visibility: 'internal' | 'public'; adminId: string; html: string; text: string }) {
    return this.call((api) => api.postMessage(conversationId, msg));
  }

  hasReference(conversationId: string, ref: string): Promise<boolean> {
    return this.call((api) => api.hasReference(conversationId, ref));
  }

  hasCopy(conversationId: string, copy: { text: string; since: Date }): Promise<boolean> {
    return this.call((api) => api.hasCopy(conversationId, copy));
  }

  /** The workspace's tracker tickets; null when its platform has none. A refused token changes the binding, as for every call. */
  trackers(): TrackerTicketApi | null {
    const api = this.api?.trackers?.();
    if (!api) return null;
    const wrap =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...a: A) =>
        this.call(() => fn(...a));
    return {
      trackerType: wrap(api.trackerType.bind(api)),
      createTracker: wrap(api.createTracker.bind(api)),
      trackerOf: wrap(api.trackerOf.bind(api)),
      link: wrap(api.link.bind(api)),
      unlink: wrap(api.unlink.bind(api)),
      resolve: wrap(api.resolve.bind(api)),
      retitle: wrap(api.retitle.bind(api)),
    };
  }

  updateAttributes(conversationId: string, attributes: Record<string, unknown>): Promise<void> {
    return this.call((api) => api.updateAttributes(conversationId, attributes));
  }

  listAttributes(): Promise<AttributeDefinition[]> {
    return this.call((api) => api.listAttributes());
  }

  listAdmins(): Promise<AdminSummary[]> {
    return this.call((api) => api.listAdmins());
  }

  /** Revokes access; a refused token counts as already revoked, so it changes nothing here. */
  async revoke(): Promise<void> {
    return this.workspace().revoke();
  }

  /** Probe: does the token still work? (only a definite rejection is false) */
  async tokenWorks(): Promise<boolean> {
    return this.workspace().tokenWorks();
  }

  private workspace(): WorkspaceApi {
    if (!this.api) throw new ProviderError('unauthorized', 'This binding has no access token (disconnected): reinstall it', false);
    return this.api;
  }

  private async call<T>(fn: (api: WorkspaceApi) => Promise<T>): Promise<T> {
    try {
      return await fn(this.workspace());
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'unauthorized') await this.onRejected(e);
      throw e;
    }
  }
}

/** Builds BindingClients and owns what a rejected token does to a binding. */
@Injectable()
export class BindingClients {
  private readonly logger = new Logger('support-desk');

  constructor(
    private readonly ds: DataSource,
    private readonly box: SecretBox,
    private readonly registry: SupportDeskRegistry,
    private readonly live: LiveBindings,
  ) {}

  for(b: BindingEntity): BindingClient {
    const api = b.tokenSealed ? this.registry.get(b.platform).workspace({ token: this.box.open(b.tokenSealed), region: b.region }) : null;
    return new BindingClient(b, api, (e) => this.tokenRejected(b, e));
  }

  /**
   * THE place where a refused token changes a binding: an active binding becomes `needs_reinstall` (health
   * `token_rejected`). The platform's error code is in `e.extra.code` for a finer classification (a missing
   * permission is not a revoked token).
   */
  async tokenRejected(b: BindingEntity, e: ProviderError): Promise<void> {
    if (b.status !== 'active') return;
    this.live.forget(b);
    b.status = 'needs_reinstall';
    b.healthState = { ...(b.healthState ?? {}), tokenRejectedSince: new Date().toISOString() };
    await this.ds.getRepository(BindingEntity).update({ id: b.id, status: 'active' }, { status: 'needs_reinstall', healthState: b.healthState });
    this.logger.warn({ event: 'support_desk.token_rejected', bindingId: b.id, code: e.extra.code }, 'token rejected: binding needs reinstall');
  }
}
