import { mkdir } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, SecretBox, AppError } from '@app/core';
import { ConnectionTestResult, CredentialField, LogSourceConfig, LogSourceConnector, LogSourceError, LogSourceTypeMetadata } from './connector';
import { withDeadline } from './deadline.util';
import type { UpdateLogSourceDto } from './dto/log-source.dto';
import { LogSourceEntity } from './log-source.entity';
import { LogSourceSlots, type SlotLease } from './log-source-slots';
import { LogSourceRegistry } from './registry';
import type { LogSourceTestBody, LogSourceView } from '@app/contracts';
import { maskSecrets } from '@app/analysis/engine';

/** A source ready to be queried by the analysis pipeline (or why it cannot be). */
export interface ActiveLogSource {
  id: string;
  name: string;
  type: string;
  connector: LogSourceConnector | null;
  /** Decrypted configuration, with the source's projectId. */
  config: LogSourceConfig | null;
  /** Set when the source cannot be used (unknown type, unreadable credentials). */
  problem?: string;
}

interface ProjectRef {
  id: string;
  tenantId: string;
}

/** What create and update take: the request DTOs (create's fields are update's, all required there). */
type SourceInput = UpdateLogSourceDto;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CREDENTIAL_CHARS = 20_000;
const MAX_SETTINGS = 30;

type FieldError = { field: string; message: string };

function location(f: CredentialField): 'credentials' | 'settings' | 'region' {
  return f.location ?? 'credentials';
}

@Injectable()
export class LogSourcesService {
  private readonly logger = new Logger('log-sources');

  constructor(
    private readonly ds: DataSource,
    private readonly registry: LogSourceRegistry,
    private readonly box: SecretBox,
    private readonly slots: LogSourceSlots,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  types(): LogSourceTypeMetadata[] {
    return this.registry.types();
  }

  async list(p: ProjectRef): Promise<LogSourceView[]> {
    const rows = await this.ds
      .getRepository(LogSourceEntity)
      .find({ where: { tenantId: p.tenantId, projectId: p.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => this.view(r));
  }

  async get(p: ProjectRef, id: string): Promise<LogSourceView> {
    return this.view(await this.find(p, id));
  }

  async create(p: ProjectRef, dto: SourceInput): Promise<LogSourceView> {
    const connector = this.registry.get(dto.type ?? '');
    if (!connector) {
      throw new AppError('VALIDATION_ERROR', `Unknown log source type "${dto.type}"`, {
        fields: [
          {
            field: 'type',
            message: `type must be one of ${this.registry
              .types()
              .map((t) => t.type)
              .join(', ')}`,
          },
        ],
      });
    }
    const merged = this.normalise(connector, {
      credentials: dto.credentials ?? {},
      sources: dto.sources ?? [],
      region: dto.region ?? null,
      settings: dto.settings ?? {},
    });
    await this.validateWithConnector(connector, { type: connector.metadata.type, projectId: p.id, ...merged });
    await this.prepareFolder(connector, p.id, merged);
    const repo = this.ds.getRepository(LogSourceEntity);
    const row = await repo.save(
      repo.create({
        tenantId: p.tenantId,
        projectId: p.id,
        type: connector.metadata.type,
        name: dto.name!.trim(),
        credentialsSealed: this.box.sealJson(merged.credentials),
        sources: merged.sources,
        region: merged.region,
        settings: merged.settings,
        isActive: dto.isActive ?? true,
      }),
    );
    this.logger.log({ event: 'log_source.created', logSourceId: row.id, projectId: p.id, type: row.type }, 'log source created');
    return this.view(row);
  }

  async update(p: ProjectRef, id: string, dto: SourceInput): Promise<LogSourceView> {
    const row = await this.find(p, id);
    if (dto.type !== undefined && dto.type !== row.type) {
      throw new AppError('VALIDATION_ERROR', 'The type of a log source cannot be changed; create a new source instead', {
        fields: [{ field: 'type', message: 'type is immutable after creation' }],
      });
    }
    const connector = this.registry.get(row.type);
    if (!connector)
      throw new AppError('VALIDATION_ERROR', `Log source type "${row.type}" is no longer supported`, {
        fields: [{ field: 'type', message: 'unsupported type' }],
      });
    const touchesConfig = dto.credentials !== undefined || dto.sources !== undefined || dto.region !== undefined || dto.settings !== undefined;
    if (touchesConfig) {
      const current = this.decrypt(row);
      const merged = this.normalise(connector, {
        credentials: dto.credentials ?? current ?? {},
        sources: dto.sources ?? row.sources,
        region: dto.region !== undefined ? dto.region : row.region,
        settings: dto.settings ?? row.settings ?? {},
      });
      await this.validateWithConnector(connector, { type: row.type, projectId: row.projectId, ...merged });
      await this.prepareFolder(connector, row.projectId, merged);
      if (dto.credentials !== undefined) row.credentialsSealed = this.box.sealJson(merged.credentials);
      row.sources = merged.sources;
      row.region = merged.region;
      row.settings = merged.settings;
    }
    if (dto.name !== undefined) row.name = dto.name.trim();
    if (dto.isActive !== undefined) row.isActive = dto.isActive;
    const saved = await this.ds.getRepository(LogSourceEntity).save(row);
    this.logger.log({ event: 'log_source.updated', logSourceId: row.id, projectId: p.id }, 'log source updated');
    return this.view(saved);
  }

  async remove(p: ProjectRef, id: string): Promise<LogSourceView> {
    const row = await this.find(p, id);
    const view = this.view(row);
    await this.ds.getRepository(LogSourceEntity).delete({ id: row.id, tenantId: p.tenantId });
    this.logger.log({ event: 'log_source.deleted', logSourceId: row.id, projectId: p.id }, 'log source deleted');
    return view;
  }

  /** Test connection: a small recent window through the connector; the result is stored on the source. */
  async test(p: ProjectRef, id: string): Promise<LogSourceTestBody> {
    const row = await this.find(p, id);
    const connector = this.registry.get(row.type);
    let result: ConnectionTestResult;
    const config = this.toConfig(row);
    if (!connector) result = { connected: false, message: `Log source type "${row.type}" is not supported.`, sampleLogs: [] };
    else if (!config)
      result = { connected: false, message: 'The stored credentials cannot be read (was ENCRYPTION_KEY changed?): enter them again.', sampleLogs: [] };
    else {
      const ms = this.config.logSourceTimeoutMs;
      try {
        result = await this.inSlot(row, 'test', () => withDeadline(ms, (signal) => connector.testConnection(config, signal), timeoutMessage(ms)));
      } catch (e) {
        result = { connected: false, message: connectorMessage(e), sampleLogs: [] };
      }
      if (!result.connected) result = { ...result, sampleLogs: [] };
      // Sample lines are log text shown to the user: masked by the engine's masker like everything else stored or
      // shown (issue 19.2; emails and IPs included, as no project setting keeps them yet).
      result = { ...result, sampleLogs: result.sampleLogs.map((l) => ({ ...l, message: maskSecrets(l.message) })) };
    }
    row.lastTestedAt = new Date();
    row.lastTestResult = { success: result.connected, message: result.message };
    await this.ds.getRepository(LogSourceEntity).update({ id: row.id }, { lastTestedAt: row.lastTestedAt, lastTestResult: row.lastTestResult });
    this.logger.log({ event: 'log_source.tested', logSourceId: row.id, connected: result.connected }, 'log source tested');
    if (result.connected) return { success: true, data: { connected: true, message: result.message, sampleLogs: result.sampleLogs } };
    return {
      success: false,
      data: { connected: false, message: result.message, sampleLogs: [] },
      error: { code: 'LOG_SOURCE_CONNECTION_FAILED', message: result.message },
    };
  }

  /** Discovery with the saved credentials: log groups, indices, labels, files. */
  async discover(p: ProjectRef, id: string): Promise<Array<{ id: string; name: string; type: string }>> {
    const row = await this.find(p, id);
    const connector = this.registry.get(row.type);
    const config = this.toConfig(row);
    if (!connector?.listSources) return [];
    if (!config) throw new AppError('LOG_SOURCE_CONNECTION_FAILED', 'The stored credentials cannot be read: enter them again.');
    const ms = this.config.logSourceTimeoutMs;
    try {
      return await this.inSlot(row, 'discovery', () => withDeadline(ms, (signal) => connector.listSources!(config, signal), timeoutMessage(ms)));
    } catch (e) {
      throw new AppError('LOG_SOURCE_CONNECTION_FAILED', connectorMessage(e));
    }
  }

  /** Active sources of a project with decrypted configs, in a stable order (for the analysis pipeline). */
  async activeSources(projectId: string, tenantId: string): Promise<ActiveLogSource[]> {
    const rows = await this.ds.getRepository(LogSourceEntity).find({ where: { projectId, tenantId, isActive: true }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => {
      const connector = this.registry.get(r.type) ?? null;
      const config = this.toConfig(r);
      const problem = !connector ? `type "${r.type}" is not supported` : !config ? 'its stored credentials cannot be read (enter them again)' : undefined;
      return { id: r.id, name: r.name, type: r.type, connector, config, ...(problem ? { problem } : {}) };
    });
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Runs a request of the API (test, discovery) in one of the source's query slots, like an analysis's queries; when
   * none frees up within LOG_SOURCE_TIMEOUT_MS it fails with `rate_limited`.
   */
  private async inSlot<T>(row: LogSourceEntity, purpose: string, fn: () => Promise<T>): Promise<T> {
    const ms = this.config.logSourceTimeoutMs;
    const lease: SlotLease | null = await this.slots.acquire({ id: row.id, projectId: row.projectId }, { waitUntil: Date.now() + ms, purpose });
    if (!lease) {
      throw new LogSourceError(
        'rate_limited',
        `Every query slot of this log source stayed busy for ${Math.round(ms / 1000)} s (LOG_SOURCE_CONCURRENCY queries at a time per source): try again in a moment.`,
      );
    }
    try {
      return await fn();
    } finally {
      await lease.release();
    }
  }

  /** Connectors that read local files: create the source's folder so the operator sees where the files go. */
  private async prepareFolder(
    connector: LogSourceConnector,
    projectId: string,
    merged: { credentials: Record<string, string>; sources: string[] },
  ): Promise<void> {
    if (!connector.localFolder) return;
    const folder = connector.localFolder({ type: connector.metadata.type, projectId, ...merged });
    await mkdir(folder, { recursive: true }).catch((err: unknown) =>
      this.logger.warn({ event: 'log_source.folder_not_created', projectId, err }, 'could not create the log folder of a project'),
    );
  }

  private async find(p: ProjectRef, id: string): Promise<LogSourceEntity> {
    const row = UUID.test(id) ? await this.ds.getRepository(LogSourceEntity).findOne({ where: { id, tenantId: p.tenantId, projectId: p.id } }) : null;
    if (!row) throw new AppError('NOT_FOUND', 'Log source not found');
    return row;
  }

  private decrypt(row: LogSourceEntity): Record<string, string> | null {
    try {
      const v = this.box.openJson<Record<string, string>>(row.credentialsSealed);
      return v && typeof v === 'object' ? v : null;
    } catch {
      return null;
    }
  }

  private toConfig(row: LogSourceEntity): LogSourceConfig | null {
    const credentials = this.decrypt(row);
    if (!credentials) return null;
    return { type: row.type, credentials, sources: row.sources, region: row.region, settings: row.settings ?? {}, projectId: row.projectId };
  }

  private view(r: LogSourceEntity): LogSourceView {
    const connector = this.registry.get(r.type);
    const folder = connector?.localFolder ? this.folderOf(connector, r) : undefined;
    return {
      id: r.id,
      projectId: r.projectId,
      type: r.type,
      name: r.name,
      sources: r.sources,
      region: r.region,
      settings: r.settings ?? {},
      ...(folder ? { folder } : {}),
      isActive: r.isActive,
      credentialKeys: Object.keys(this.decrypt(r) ?? {}).sort(),
      lastTestedAt: r.lastTestedAt ? r.lastTestedAt.toISOString() : null,
      lastTestResult: r.lastTestResult ?? null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  private folderOf(connector: LogSourceConnector, r: LogSourceEntity): string | undefined {
    try {
      return connector.localFolder!({ type: r.type, credentials: {}, sources: r.sources, projectId: r.projectId });
    } catch {
      return undefined;
    }
  }

  /**
   * Checks the config against the type's declared fields: credential values are strings, unknown credential keys are
   * refused, required credentials / settings / region are present. Empty optional values are dropped.
   */
  private normalise(
    connector: LogSourceConnector,
    input: { credentials: unknown; sources: string[]; region: string | null; settings: unknown },
  ): { credentials: Record<string, string>; sources: string[]; region: string | null; settings: Record<string, unknown> } {
    const meta = connector.metadata;
    const errors: FieldError[] = [];
    const fields = meta.fields;
    const credFields = new Map(fields.filter((f) => location(f) === 'credentials').map((f) => [f.key, f]));
    const settingFields = new Map(fields.filter((f) => location(f) === 'settings').map((f) => [f.key, f]));
    const regionField = fields.find((f) => location(f) === 'region');

    const credentials: Record<string, string> = {};
    if (input.credentials === null || typeof input.credentials !== 'object' || Array.isArray(input.credentials)) {
      errors.push({ field: 'credentials', message: 'credentials must be an object of strings' });
    } else {
      let size = 0;
      for (const [k, v] of Object.entries(input.credentials as Record<string, unknown>)) {
        if (!credFields.has(k)) {
          const known = [...credFields.keys()];
          errors.push({
            field: `credentials.${k}`,
            message: known.length ? `unknown credential for ${meta.type}; expected ${known.join(', ')}` : `${meta.type} sources take no credentials`,
          });
          continue;
        }
        if (v === null || v === undefined) continue;
        if (typeof v !== 'string') {
          errors.push({ field: `credentials.${k}`, message: `${k} must be a string` });
          continue;
        }
        size += v.length;
        const value = credFields.get(k)!.type === 'textarea' ? v : v.trim();
        if (value !== '') credentials[k] = value;
      }
      if (size > MAX_CREDENTIAL_CHARS)
        errors.push({ field: 'credentials', message: `credentials must be at most ${MAX_CREDENTIAL_CHARS} characters in total` });
    }
    for (const f of credFields.values()) {
      if (f.required && !credentials[f.key]) errors.push({ field: `credentials.${f.key}`, message: `${f.label} is required for ${meta.displayName}` });
    }

    const settings: Record<string, unknown> = {};
    if (input.settings === null || typeof input.settings !== 'object' || Array.isArray(input.settings)) {
      errors.push({ field: 'settings', message: 'settings must be an object' });
    } else {
      const entries = Object.entries(input.settings as Record<string, unknown>);
      if (entries.length > MAX_SETTINGS) errors.push({ field: 'settings', message: `at most ${MAX_SETTINGS} settings` });
      for (const [k, v] of entries) {
        if (v === null || v === undefined || v === '') continue;
        if (!['string', 'number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length > 2000)) {
          errors.push({ field: `settings.${k}`, message: `${k} must be a string (≤ 2000 characters), a number or a boolean` });
          continue;
        }
        settings[k] = typeof v === 'string' ? v.trim() : v;
      }
    }
    for (const f of settingFields.values()) {
      if (f.required && (settings[f.key] === undefined || settings[f.key] === ''))
        errors.push({ field: `settings.${f.key}`, message: `${f.label} is required for ${meta.displayName}` });
    }

    let region = typeof input.region === 'string' && input.region.trim() ? input.region.trim() : null;
    if (regionField) {
      if (regionField.required && !region) errors.push({ field: 'region', message: `${regionField.label} is required for ${meta.displayName}` });
    } else if (region) {
      errors.push({ field: 'region', message: `region is not used by ${meta.type} sources` });
      region = null;
    }

    const sources = input.sources.map((s) => s.trim());
    sources.forEach((s, i) => {
      if (!s) errors.push({ field: `sources.${i}`, message: 'sources entries must not be blank' });
    });

    if (errors.length) throw new AppError('VALIDATION_ERROR', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { fields: errors });
    return { credentials, sources, region, settings };
  }

  /** The connector's own checks (sources syntax, URL shape, the host guard) → 400 with its message. */
  private async validateWithConnector(connector: LogSourceConnector, config: LogSourceConfig): Promise<void> {
    if (!connector.validateConfig) return;
    try {
      await withDeadline(this.config.logSourceTimeoutMs, async () => connector.validateConfig!(config), 'Checking the log-source host took too long.');
    } catch (e) {
      const message = connectorMessage(e);
      const field = e instanceof LogSourceError && e.code === 'blocked_host' ? 'credentials' : 'config';
      throw new AppError('VALIDATION_ERROR', message, { fields: [{ field, message }] });
    }
  }
}

function timeoutMessage(ms: number): string {
  return `The log source did not answer within ${ms} ms (LOG_SOURCE_TIMEOUT_MS): the source is unreachable. Self-hosted sources must allow SigSentry's outbound IPs.`;
}

/** User-facing text of a connector failure (LogSourceError messages come from the troubleshooting table). */
export function connectorMessage(e: unknown): string {
  if (e instanceof LogSourceError) return e.message;
  return 'The log source could not be reached (unexpected connector error).';
}

export type { LogSourceTestBody, LogSourceView };
