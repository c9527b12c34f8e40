import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '@app/core';
import { LiveBindings } from './live-bindings.service';
import {
  AdminSummary,
  AttributeDefinition,
  ConversationContext,
  ProviderError,
  SupportDeskRegistry,
  TrackerTicketApi,
  UpdatedConversations,
  WorkspaceApi,
} from './provider';
import { BindingEntity, BindingHealthState } from './support-desk.entities';

/** What a refused call means for the binding, decided by BindingClients (the only place that changes it). */
export interface BindingStateHandler {
  /** A 401 that may say the token is gone: confirmed before anything changes. 'revoked' = the binding needs a reinstall. */
  tokenRejected(e: ProviderError): Promise<'revoked' | 'works'>;
  /** A call refused for a missing permission (`method` is the client method): reported by health, nothing else changes. */
  permissionMissing(method: string, e: ProviderError): Promise<void>;
  /** A call that was refused for a missing permission works again. */
  permissionRestored(method: string): Promise<void>;
}

/**
 * One installation's client (Sentry's "installation"): the binding's token and region, the per-workspace calls of its
 * platform, and the single place where a refused call becomes the binding's state. Callers still decide what a
 * refusal means for their own work (a post fails, attributes are dropped, a read finds nothing), but never change
 * the binding themselves. Built per use with `BindingClients.for(binding)`.
 *
 * A refused token is not always a revoked one: a 401 for a missing permission (Intercom's `token_unauthorized`) is
 * reported as health `permission_missing` and the binding keeps working; any other 401 is confirmed with the platform
 * (GET /me) before the binding turns `needs_reinstall`; if the token still works, the call fails as retryable.
 */
export class BindingClient {
  constructor(
    readonly binding: BindingEntity,
    private readonly api: WorkspaceApi | null,
    private readonly state: BindingStateHandler,
  ) {}

  readConversation(conversationId: string): Promise<ConversationContext> {
    return this.call('readConversation', (api) => api.readConversation(conversationId, this.binding));
  }

  readConversationRaw(conversationId: string): Promise<unknown> {
    return this.call('readConversation', (api) => api.readConversationRaw(conversationId));
  }

  conversationExists(conversationId: string): Promise<boolean> {
    return this.call('readConversation', (api) => api.conversationExists(conversationId));
  }

  postMessage(conversationId: string, msg: { visibility: 'internal' | 'public'; adminId: string; html: string; text: string; late?: boolean }) {
    return this.call('postMessage', (api) => api.postMessage(conversationId, msg));
  }

  hasReference(conversationId: string, ref: string): Promise<boolean> {
    return this.call('readConversation', (api) => api.hasReference(conversationId, ref));
  }

  adminExists(adminId: string): Promise<boolean> {
    return this.call('readAdmins', (api) => api.adminExists(adminId));
  }

  tokenAdmin(): Promise<AdminSummary> {
    return this.call('tokenAdmin', (api) => api.tokenAdmin());
  }

  updatedConversations(since: Date, cursor: string | null): Promise<UpdatedConversations> {
    return this.call('searchConversations', (api) => api.updatedConversations(since, cursor));
  }

  hasCopy(conversationId: string, copy: { text: string; since: Date }): Promise<boolean> {
    return this.call('readConversation', (api) => api.hasCopy(conversationId, copy));
  }

  /** The workspace's tracker tickets; null when its platform has none. A refused token changes the binding, as for every call. */
  trackers(): TrackerTicketApi | null {
    const api = this.api?.trackers?.();
    if (!api) return null;
    const wrap =
      <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
      (...a: A) =>
        this.call('tickets', () => fn(...a));
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
    return this.call('updateAttributes', (api) => api.updateAttributes(conversationId, attributes));
  }

  listAttributes(): Promise<AttributeDefinition[]> {
    return this.call('listAttributes', (api) => api.listAttributes());
  }

  listAdmins(): Promise<AdminSummary[]> {
    return this.call('readAdmins', (api) => api.listAdmins());
  }

  /** Revokes access; a refused token counts as already revoked, so it changes nothing here. */
  async revoke(): Promise<void> {
    return this.workspace().revoke();
  }

  /** Probe: does the token still work? (only a definite rejection is false) */
  async tokenWorks(): Promise<boolean> {
    return this.workspace().tokenWorks();
  }

  /** The platform's rate budget as last seen by this process. */
  rateBudget() {
    return this.api?.rateBudget() ?? null;
  }

  private workspace(): WorkspaceApi {
    if (!this.api) throw new ProviderError('unauthorized', 'This binding has no access token (disconnected): reinstall it', false);
    return this.api;
  }

  private async call<T>(method: string, fn: (api: WorkspaceApi) => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await fn(this.workspace());
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      if (e.kind === 'permission_missing') {
        await this.state.permissionMissing(method, e);
        throw e;
      }
      if (e.kind === 'unauthorized') {
        if (!this.api) {
          await this.state.tokenRejected(e);
          throw e;
        }
        if ((await this.state.tokenRejected(e)) === 'works') {
          // The token still works (GET /me answers): a passing refusal, not a revocation. Retry later.
          throw new ProviderError('server', `${e.message} (the token still works: retried later)`, true, e.extra);
        }
      }
      throw e;
    }
    if (this.binding.healthState?.permissionMissing?.[method]) await this.state.permissionRestored(method);
    return out;
  }
}

/** How long a confirmed-working token is trusted before another 401 is confirmed again. */
const TOKEN_WORKS_TRUST_MS = 10_000;

/** Builds BindingClients and owns what a refused call does to a binding. */
@Injectable()
export class BindingClients {
  private readonly logger = new Logger('support-desk');
  /** per binding: a confirmation in flight, or the time its token was last confirmed working */
  private readonly confirmations = new Map<string, Promise<boolean>>();
  private readonly worksAt = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly box: SecretBox,
    private readonly registry: SupportDeskRegistry,
    private readonly live: LiveBindings,
  ) {}

  for(b: BindingEntity): BindingClient {
    const api = this.workspaceOf(b);
    return new BindingClient(b, api, {
      tokenRejected: (e) => this.tokenRejected(b, e),
      permissionMissing: (method, e) => this.permissionMissing(b, method, e),
      permissionRestored: (method) => this.permissionRestored(b, method),
    });
  }

  private workspaceOf(b: BindingEntity): WorkspaceApi | null {
    return b.tokenSealed ? this.registry.get(b.platform).workspace({ token: this.box.open(b.tokenSealed), region: b.region }) : null;
  }

  /**
   * THE place where a refused token changes a binding. A 401 whose code says the token itself was refused (Intercom:
   * `unauthorized`, `token_revoked`, `token_not_found`, `token_suspended`) is confirmed with the platform (GET /me)
   * first: only when the token is refused there too does an active binding become `needs_reinstall` (health
   * `token_rejected`). A token that still works leaves the binding as it is ('works').
   */
  async tokenRejected(b: BindingEntity, e: ProviderError): Promise<'revoked' | 'works'> {
    if (b.status !== 'active') return 'revoked';
    const api = this.workspaceOf(b);
    const works = api ? await this.confirm(b, api) : false;
    if (works) {
      this.logger.warn(
        { event: 'support_desk.token_refusal_unconfirmed', bindingId: b.id, code: e.extra.code, call: e.extra.call },
        'a call was refused but the token works',
      );
      return 'works';
    }
    this.live.forget(b);
    b.status = 'needs_reinstall';
    b.healthState = { ...(b.healthState ?? {}), tokenRejectedSince: new Date().toISOString() };
    await this.ds.query(
      `UPDATE support_desk_bindings SET status = 'needs_reinstall', "healthState" = COALESCE("healthState", '{}'::jsonb) || jsonb_build_object('tokenRejectedSince', $2::text)
       WHERE id = $1 AND status = 'active'`,
      [b.id, b.healthState.tokenRejectedSince],
    );
    this.logger.warn({ event: 'support_desk.token_rejected', bindingId: b.id, code: e.extra.code }, 'token rejected (confirmed): binding needs reinstall');
    return 'revoked';
  }

  /** One GET /me per binding at a time; a working token is trusted for a few seconds. */
  private confirm(b: BindingEntity, api: WorkspaceApi): Promise<boolean> {
    const at = this.worksAt.get(b.id);
    if (at !== undefined && Date.now() - at < TOKEN_WORKS_TRUST_MS) return Promise.resolve(true);
    let p = this.confirmations.get(b.id);
    if (!p) {
      p = api
        .tokenWorks()
        .then((works) => {
          if (works) this.worksAt.set(b.id, Date.now());
          else this.worksAt.delete(b.id);
          if (this.worksAt.size > 10_000) this.worksAt.clear();
          return works;
        })
        .finally(() => this.confirmations.delete(b.id));
      this.confirmations.set(b.id, p);
    }
    return p;
  }

  /** Health `permission_missing`: which call needed which permission, since when (kept until the call works again). */
  async permissionMissing(b: BindingEntity, method: string, e: ProviderError): Promise<void> {
    const entry = { call: e.extra.call ?? method, permission: e.extra.permission ?? 'unknown', since: new Date().toISOString() };
    const known = b.healthState?.permissionMissing?.[method];
    b.healthState = { ...(b.healthState ?? {}), permissionMissing: { ...(b.healthState?.permissionMissing ?? {}), [method]: known ?? entry } };
    if (known) return;
    await this.ds.query(
      `UPDATE support_desk_bindings SET "healthState" = jsonb_set(COALESCE("healthState", '{}'::jsonb), '{permissionMissing}',
         COALESCE("healthState"->'permissionMissing', '{}'::jsonb) || jsonb_build_object($2::text, COALESCE("healthState"->'permissionMissing'->$2, $3::jsonb)))
       WHERE id = $1`,
      [b.id, method, JSON.stringify(entry)],
    );
    this.logger.warn(
      { event: 'support_desk.permission_missing', bindingId: b.id, call: entry.call, permission: entry.permission },
      'a call needs a missing permission',
    );
  }

  async permissionRestored(b: BindingEntity, method: string): Promise<void> {
    const map = { ...(b.healthState?.permissionMissing ?? {}) };
    delete map[method];
    b.healthState = { ...(b.healthState ?? {}), permissionMissing: map };
    await this.ds.query(
      `UPDATE support_desk_bindings SET "healthState" = jsonb_set("healthState", '{permissionMissing}', COALESCE("healthState"->'permissionMissing', '{}'::jsonb) - $2::text)
       WHERE id = $1 AND "healthState" ? 'permissionMissing'`,
      [b.id, method],
    );
    this.logger.log({ event: 'support_desk.permission_restored', bindingId: b.id, method }, 'a call works again');
  }

  /** Merges top-level keys into a binding's health state without losing concurrent writers' keys. */
  async patchHealth(b: BindingEntity, patch: Partial<BindingHealthState>): Promise<void> {
    b.healthState = { ...(b.healthState ?? {}), ...patch };
    await this.ds.query(`UPDATE support_desk_bindings SET "healthState" = COALESCE("healthState", '{}'::jsonb) || $2::jsonb WHERE id = $1`, [
      b.id,
      JSON.stringify(patch),
    ]);
  }
}
