import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppError } from '@app/core';
import type { AppConfig } from '@app/core';
import { BindingClient, BindingClients } from './binding-client';
import { LiveBindings } from './live-bindings.service';
import { AttributeMapping, BindingEntity, MAPPABLE_FIELDS, PostEntity } from './support-desk.entities';
import { AdminSummary, AttributeDefinition, ProviderError, SupportDeskRegistry } from './provider';
import { ProjectEntity } from '@app/projects';
import { DEFAULT_INCIDENT_UPDATE_TEMPLATE } from '@app/contracts';
import { DEFAULT_PUBLIC_REPLY_TEMPLATE, INCIDENT_UPDATE_VARIABLES, renderTemplate, validateTemplate } from './templates/reply-template';
import type { BindingUpdate, BindingView, HealthCheck } from '@app/contracts';

export type { BindingUpdate, BindingView, HealthCheck };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTRIBUTE_CACHE_MS = 10 * 60 * 1000;

@Injectable()
export class BindingsService {
  private readonly logger = new Logger('support-desk');

  constructor(
    private readonly ds: DataSource,
    private readonly registry: SupportDeskRegistry,
    private readonly clients: BindingClients,
    private readonly live: LiveBindings,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(tenantId: string, projectId: string, id: string): Promise<BindingEntity> {
    const b = UUID.test(id) ? await this.ds.getRepository(BindingEntity).findOne({ where: { id, tenantId, projectId } }) : null;
    if (!b) throw new AppError('NOT_FOUND', 'Support-desk binding not found');
    return b;
  }

  /** For routes addressed by binding id only (conversations): the binding must belong to the caller's tenant. */
  async findInTenant(tenantId: string, id: string): Promise<BindingEntity> {
    const b = UUID.test(id) ? await this.ds.getRepository(BindingEntity).findOne({ where: { id, tenantId } }) : null;
    if (!b) throw new AppError('NOT_FOUND', 'Support-desk binding not found');
    return b;
  }

  async list(tenantId: string, projectId: string): Promise<BindingView[]> {
    const rows = await this.ds.getRepository(BindingEntity).find({ where: { tenantId, projectId }, order: { createdAt: 'DESC' } });
    return Promise.all(rows.map((b) => this.view(b)));
  }

  async view(b: BindingEntity): Promise<BindingView> {
    return {
      id: b.id,
      projectId: b.projectId,
      platform: b.platform,
      workspaceId: b.workspaceId,
      workspaceName: b.workspaceName,
      region: b.region,
      timezone: b.timezone,
      status: b.status,
      inactiveReason: b.inactiveReason,
      installedBy: b.installedBy,
      installedAt: b.installedAt.toISOString(),
      replyAsAdminId: b.replyAsAdminId,
      subscriptions: b.subscriptions,
      health: await this.health(b),
      postingMode: b.postingMode,
      autoAnalyzeThreshold: b.autoAnalyzeThreshold,
      timeBufferHours: b.timeBufferHours,
      attributeMapping: b.attributeMapping ?? {},
      publicReplyTemplate: b.publicReplyTemplate ?? DEFAULT_PUBLIC_REPLY_TEMPLATE,
      incidentUpdateTemplate: b.incidentUpdateTemplate ?? DEFAULT_INCIDENT_UPDATE_TEMPLATE,
      trackerTickets: { enabled: !!b.trackerTickets?.enabled, ticketTypeId: b.trackerTickets?.ticketTypeId ?? null },
      lastEventAt: b.lastEventAt?.toISOString() ?? null,
    };
  }

  async health(b: BindingEntity): Promise<{ ok: boolean; checks: HealthCheck[] }> {
    const checks: HealthCheck[] = [];
    const hs = b.healthState ?? {};
    const fix = this.registry.get(b.platform).healthHints;
    const days = this.config.noRecentEventsDays;
    const staleSince = b.lastEventAt ?? b.installedAt;
    const stale = Date.now() - staleSince.getTime() > days * 86_400_000;
    checks.push({
      code: 'no_recent_events',
      ok: !stale || b.status === 'inactive',
      detail: stale ? `No conversation events received for ${days} days` : b.lastEventAt ? `Last event ${b.lastEventAt.toISOString()}` : 'No events yet',
      fix: fix.no_recent_events,
      since: stale ? staleSince.toISOString() : null,
    });
    checks.push({
      code: 'token_rejected',
      ok: b.status !== 'needs_reinstall',
      detail:
        b.status === 'needs_reinstall'
          ? 'The workspace refused our access token, and confirmed it when asked again: access was revoked or uninstalled'
          : 'Access token accepted',
      fix: fix.token_rejected,
      since: hs.tokenRejectedSince ?? null,
    });
    const permissions = Object.values(hs.permissionMissing ?? {});
    checks.push({
      code: 'permission_missing',
      ok: permissions.length === 0,
      detail: permissions.length
        ? `${permissions.map((p) => `${p.call} was refused: the app lacks the permission "${p.permission}"`).join('; ')}. Everything else keeps working.`
        : 'No call refused for a missing permission',
      fix: fix.permission_missing,
      since: permissions.length ? permissions.map((p) => p.since).sort()[0] : null,
    });
    const mapped = MAPPABLE_FIELDS.map((f) => b.attributeMapping?.[f]).filter((n): n is string => !!n);
    const known = b.attributeCache?.attributes.map((a) => a.name);
    const missing = known ? mapped.filter((n) => !known.includes(n)) : [];
    const rejected = hs.attributeRejected?.names.filter((n) => mapped.includes(n)) ?? [];
    const allMissing = [...new Set([...missing, ...rejected])];
    const refused = Object.entries(hs.attributeValueRejected?.values ?? {}).filter(([n]) => mapped.includes(n));
    const attributeProblems = [
      allMissing.length ? `Mapped attributes missing in the workspace: ${allMissing.join(', ')}` : '',
      refused.length ? `Values skipped (not among the attribute's options): ${refused.map(([n, v]) => `${n} = "${v}"`).join(', ')}` : '',
    ].filter(Boolean);
    checks.push({
      code: 'attribute_missing',
      ok: attributeProblems.length === 0,
      detail: attributeProblems.length ? attributeProblems.join('; ') : 'All mapped attributes exist',
      fix: fix.attribute_missing,
      since: attributeProblems.length ? (hs.attributeRejected?.since ?? hs.attributeValueRejected?.since ?? null) : null,
    });
    const adminGone =
      hs.replyAdminMissing ?? (hs.replyAdminMissingSince ? { adminId: b.replyAsAdminId ?? '', fallbackAdminId: null, since: hs.replyAdminMissingSince } : null);
    checks.push({
      code: 'reply_admin_missing',
      ok: !adminGone,
      detail: adminGone
        ? `Admin ${adminGone.adminId} no longer exists in the workspace${adminGone.fallbackAdminId ? `: notes and replies are posted as admin ${adminGone.fallbackAdminId} (the installing admin) until you choose another` : ''}`
        : 'Reply-as admin exists',
      fix: fix.reply_admin_missing,
      since: adminGone?.since ?? null,
    });
    const failed = await this.ds.getRepository(PostEntity).count({ where: { bindingId: b.id, status: 'failed' } });
    const lastFailed = failed
      ? await this.ds.getRepository(PostEntity).findOne({ where: { bindingId: b.id, status: 'failed' }, order: { createdAt: 'DESC' } })
      : null;
    checks.push({
      code: 'delivery_failing',
      ok: failed === 0,
      detail: failed ? `${failed} post(s) could not be delivered after retries${lastFailed?.error ? `: ${lastFailed.error}` : ''}` : 'All posts delivered',
      fix: fix.delivery_failing,
      since: lastFailed?.createdAt.toISOString() ?? null,
    });
    checks.push(this.reconciliationCheck(b, fix.reconciliation));
    return { ok: b.status !== 'inactive' && checks.every((c) => c.ok), checks };
  }

  /** Health `reconciliation`: the last run, what it recovered, its errors. */
  private reconciliationCheck(b: BindingEntity, fix: string): HealthCheck {
    const every = this.config.intercom.reconcileSeconds;
    const r = b.reconcileState;
    const base = { code: 'reconciliation' as const, fix };
    if (!every) return { ...base, ok: true, detail: 'Reconciliation is off (INTERCOM_RECONCILE_SECONDS=0)', since: null };
    if (!r) return { ...base, ok: true, detail: `Not run yet (every ${every} s for active bindings)`, since: null };
    const found = `recovered ${r.recovered.conversations} conversation(s) and ${r.recovered.replies} customer repl${r.recovered.replies === 1 ? 'y' : 'ies'} (${r.recoveredTotal} since activation)`;
    const what = `Last run ${r.lastRunAt}: ${r.scanned} conversation(s) updated since ${r.since} checked, ${found}`;
    if (r.errors.length) return { ...base, ok: false, detail: `${what}; errors: ${r.errors.join('; ')}`, since: r.lastOkAt ?? r.lastRunAt };
    return { ...base, ok: true, detail: what, since: null };
  }

  async update(b: BindingEntity, dto: BindingUpdate): Promise<BindingView> {
    if (dto.publicReplyTemplate !== undefined && dto.publicReplyTemplate !== null) {
      const err = validateTemplate(dto.publicReplyTemplate);
      if (err) throw new AppError('VALIDATION_ERROR', err, { fields: [{ field: 'publicReplyTemplate', message: err }] });
    }
    if (dto.incidentUpdateTemplate !== undefined && dto.incidentUpdateTemplate !== null) {
      const err = validateTemplate(dto.incidentUpdateTemplate, INCIDENT_UPDATE_VARIABLES);
      if (err) throw new AppError('VALIDATION_ERROR', err, { fields: [{ field: 'incidentUpdateTemplate', message: err }] });
    }
    if (dto.trackerTickets?.enabled) await this.checkTrackerTickets(b, dto.trackerTickets.ticketTypeId);
    if (dto.attributeMapping) {
      for (const k of Object.keys(dto.attributeMapping)) {
        if (!(MAPPABLE_FIELDS as readonly string[]).includes(k)) {
          throw new AppError('VALIDATION_ERROR', `attributeMapping.${k} is not a mappable field`, {
            fields: [{ field: `attributeMapping.${k}`, message: `must be one of ${MAPPABLE_FIELDS.join(', ')}` }],
          });
        }
      }
    }
    if (dto.replyAsAdminId !== undefined && dto.replyAsAdminId !== b.replyAsAdminId) {
      const admins = await this.admins(b);
      if (!admins.some((a) => a.id === dto.replyAsAdminId)) {
        throw new AppError('VALIDATION_ERROR', `replyAsAdminId ${dto.replyAsAdminId} is not an admin of this workspace`, {
          fields: [{ field: 'replyAsAdminId', message: 'is not an admin of this workspace' }],
        });
      }
      b.replyAsAdminId = dto.replyAsAdminId;
      b.healthState = { ...(b.healthState ?? {}), replyAdminMissingSince: null, replyAdminMissing: null };
    }
    if (dto.postingMode !== undefined) b.postingMode = dto.postingMode;
    if (dto.autoAnalyzeThreshold !== undefined) b.autoAnalyzeThreshold = dto.autoAnalyzeThreshold;
    if (dto.timeBufferHours !== undefined) b.timeBufferHours = dto.timeBufferHours;
    if (dto.attributeMapping !== undefined) {
      const clean: AttributeMapping = {};
      for (const [k, v] of Object.entries(dto.attributeMapping)) if (v && String(v).trim()) clean[k as keyof AttributeMapping] = String(v).trim();
      b.attributeMapping = clean;
      b.healthState = { ...(b.healthState ?? {}), attributeRejected: null, attributeValueRejected: null };
    }
    if (dto.publicReplyTemplate !== undefined) b.publicReplyTemplate = dto.publicReplyTemplate;
    if (dto.incidentUpdateTemplate !== undefined) b.incidentUpdateTemplate = dto.incidentUpdateTemplate;
    if (dto.trackerTickets !== undefined)
      b.trackerTickets = {
        enabled: dto.trackerTickets.enabled,
        ticketTypeId: dto.trackerTickets.ticketTypeId?.trim() || b.trackerTickets?.ticketTypeId || null,
      };
    await this.ds.getRepository(BindingEntity).save(b);
    if (dto.attributeMapping) await this.attributes(b).catch(() => undefined);
    return this.view(b);
  }

  /**
   * Tracker tickets (contract §11) need the platform to support them in the configured API version, a ticket type
   * id, and that type to be a tracker type in the workspace.
   */
  private async checkTrackerTickets(b: BindingEntity, ticketTypeId: string | null | undefined): Promise<void> {
    const field = (f: string, message: string) => new AppError('VALIDATION_ERROR', message, { fields: [{ field: f, message }] });
    const provider = this.registry.get(b.platform);
    const unavailable = provider.trackerTicketsUnavailable ? provider.trackerTicketsUnavailable() : `${provider.displayName} has no tracker tickets`;
    if (unavailable) throw field('trackerTickets.enabled', unavailable);
    const id = ticketTypeId?.trim() || b.trackerTickets?.ticketTypeId;
    if (!id) throw field('trackerTickets.ticketTypeId', 'a ticket type id is required to turn tracker tickets on');
    const trackers = this.clients.for(b).trackers();
    if (!trackers) throw field('trackerTickets.enabled', 'this workspace has no tracker tickets');
    try {
      await trackers.trackerType(id);
    } catch (e) {
      if (e instanceof ProviderError && (e.kind === 'not_found' || e.extra.code === 'not_a_tracker_type'))
        throw field('trackerTickets.ticketTypeId', e.kind === 'not_found' ? `ticket type ${id} does not exist in the workspace` : e.message);
      if (e instanceof ProviderError && e.kind === 'unauthorized')
        throw new AppError(
          'SUPPORT_DESK_UNAVAILABLE',
          'The workspace refused the ticket call: grant the app the Read and Write tickets permissions and reinstall',
        );
      if (e instanceof ProviderError) throw new AppError('SUPPORT_DESK_UNAVAILABLE', `Could not check the ticket type: ${e.message}`);
      throw e;
    }
  }

  /** The binding's reply template (or `template`) rendered with sample values: the SPA's live preview. */
  async previewTemplate(b: BindingEntity, template?: string, kind: 'public_reply' | 'incident_update' = 'public_reply') {
    const incident = kind === 'incident_update';
    const t =
      template ?? (incident ? (b.incidentUpdateTemplate ?? DEFAULT_INCIDENT_UPDATE_TEMPLATE) : (b.publicReplyTemplate ?? DEFAULT_PUBLIC_REPLY_TEMPLATE));
    const err = validateTemplate(t, incident ? INCIDENT_UPDATE_VARIABLES : undefined);
    if (err) throw new AppError('VALIDATION_ERROR', err, { fields: [{ field: 'template', message: err }] });
    const p = await this.ds.getRepository(ProjectEntity).findOneOrFail({ where: { id: b.projectId } });
    const sample = {
      customer_name: 'Jane Doe',
      conversation_id: '215470000000001',
      severity: 'high',
      affected_service: p.services?.[0]?.name ?? 'checkout',
      summary: 'Checkout has been failing with 500 errors since 9am',
      project_name: p.name,
      analysis_url: 'https://sigsentry.example/projects/default/analyses/00000000-0000-4000-8000-000000000000',
      ...(incident
        ? {
            incident_ref: 'INC-12',
            incident_title: `${p.services?.[0]?.name ?? 'checkout'} errors`,
            incident_status: 'open',
            message: 'We found the cause and a fix is rolling out.',
          }
        : {}),
    };
    const r = renderTemplate(t, sample);
    return { rendered: r.text, html: r.html, variables: sample };
  }

  /** Conversation attributes of the workspace, cached on the binding for 10 minutes. */
  async attributes(b: BindingEntity, force = false): Promise<AttributeDefinition[]> {
    if (!force && b.attributeCache && Date.now() - Date.parse(b.attributeCache.fetchedAt) < ATTRIBUTE_CACHE_MS) return b.attributeCache.attributes;
    const attributes = await this.call(b, (client) => client.listAttributes());
    b.attributeCache = { fetchedAt: new Date().toISOString(), attributes };
    await this.ds.getRepository(BindingEntity).update({ id: b.id }, { attributeCache: b.attributeCache });
    return attributes;
  }

  async admins(b: BindingEntity): Promise<AdminSummary[]> {
    return this.call(b, (client) => client.listAdmins());
  }

  /** A workspace call for a user's request: outside failures (a rejected token included) are a 502 with the reason. */
  private async call<T>(b: BindingEntity, fn: (client: BindingClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.clients.for(b));
    } catch (e) {
      if (e instanceof ProviderError) {
        if (e.kind === 'unauthorized') throw new AppError('SUPPORT_DESK_UNAVAILABLE', 'The workspace rejected our access token: reinstall the binding');
        throw new AppError('SUPPORT_DESK_UNAVAILABLE', `The support desk did not answer: ${e.message}`);
      }
      throw e;
    }
  }

  /**
   * Disconnect (contract §6): revoke (uninstalls the app from the workspace), mark inactive, keep history.
   * A token the platform already rejects counts as revoked.
   */
  async disconnect(b: BindingEntity): Promise<BindingView> {
    if (b.status !== 'inactive' && b.tokenSealed) {
      try {
        await this.clients.for(b).revoke();
      } catch (e) {
        if (!(e instanceof ProviderError && e.kind === 'unauthorized')) {
          throw new AppError(
            'SUPPORT_DESK_UNAVAILABLE',
            `Could not revoke access in ${this.registry.get(b.platform).displayName}; nothing was changed, try again: ${(e as Error).message}`,
          );
        }
      }
    }
    await this.deactivate(b, 'disconnected');
    this.logger.log({ event: 'support_desk.disconnected', bindingId: b.id }, 'binding disconnected');
    return this.view(b);
  }

  async deactivate(b: BindingEntity, reason: string): Promise<void> {
    this.live.forget(b);
    b.status = 'inactive';
    b.inactiveReason = reason;
    b.tokenSealed = null;
    b.subscriptions = { mode: 'app', events: [], topics: [] };
    await this.ds
      .getRepository(BindingEntity)
      .update({ id: b.id }, { status: 'inactive', inactiveReason: b.inactiveReason, tokenSealed: null, subscriptions: b.subscriptions });
  }
}
