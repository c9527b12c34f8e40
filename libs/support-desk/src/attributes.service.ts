import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SUMMARY_ATTRIBUTE_MAX } from '@app/contracts';
import { BindingEntity, MappableField } from './support-desk.entities';
import { BindingClients } from './binding-client';
import { AttributeDefinition, ProviderError } from './provider';
import { BindingsService } from './bindings.service';
import { RetryLater } from './post.service';

export { SUMMARY_ATTRIBUTE_MAX };

/**
 * Coerces a value to the attribute's data type (contract §7); undefined when it cannot be represented. An attribute
 * with options (a list) takes only one of them (matched case-insensitively, written as the option is spelled).
 * Nothing is ever written as an empty string: an unknown value is left out.
 */
export function coerce(value: unknown, dataType: string, options: string[] = []): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (options.length) {
    const v = String(value).trim().toLowerCase();
    return options.find((o) => o.trim().toLowerCase() === v);
  }
  switch (dataType) {
    case 'integer': {
      const n = typeof value === 'number' ? (value > 0 && value < 1 ? value * 100 : value) : Number(value);
      return Number.isFinite(n) ? Math.round(n) : undefined;
    }
    case 'float':
    case 'decimal': {
      const n = Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : ['high', 'critical', 'true'].includes(String(value).toLowerCase());
    case 'datetime':
    case 'date': {
      const t = Date.parse(String(value));
      return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
    }
    // a list without options we could read, a relationship (custom-object ids) or files: nothing of ours fits
    case 'list':
    case 'relationship':
    case 'files':
      return undefined;
    default:
      return String(value);
  }
}

/** Writes the mapped custom attributes, filtered through the workspace's attribute list and coerced to their types. */
@Injectable()
export class AttributesService {
  private readonly logger = new Logger('support-desk');

  constructor(
    private readonly ds: DataSource,
    private readonly bindings: BindingsService,
    private readonly clients: BindingClients,
  ) {}

  async write(
    b: BindingEntity,
    conversationId: string,
    values: Partial<Record<MappableField, unknown>>,
    attempt: { final: boolean },
  ): Promise<{ written: string[]; dropped: string[] }> {
    const mapping = b.attributeMapping ?? {};
    // An unknown value (no affected service…) is never written as '': it is sent as null, which clears a value written
    // before (a correction undone) and leaves an attribute never set unset.
    const wanted = Object.entries(values).filter(([field, v]) => mapping[field as MappableField] && v !== undefined);
    if (!wanted.length) return { written: [], dropped: [] };
    let defs: AttributeDefinition[];
    try {
      defs = await this.bindings.attributes(b);
    } catch (e) {
      if (!attempt.final) throw new RetryLater('attribute list unavailable');
      this.logger.warn({ event: 'attributes.list_failed', bindingId: b.id }, 'attribute list unavailable; attributes skipped');
      return { written: [], dropped: wanted.map(([f]) => mapping[f as MappableField]!) };
    }
    const byName = new Map(defs.map((d) => [d.name, d]));
    const attrs: Record<string, unknown> = {};
    const dropped: string[] = [];
    const refusedValues: Record<string, string> = {};
    for (const [field, raw] of wanted) {
      const name = mapping[field as MappableField]!;
      const def = byName.get(name);
      if (!def || !def.apiWritable) {
        dropped.push(name);
        continue;
      }
      if (raw === null || raw === '') {
        attrs[name] = null;
        continue;
      }
      const v = field === 'summary' ? String(raw).slice(0, SUMMARY_ATTRIBUTE_MAX) : raw;
      const c = coerce(v, def.dataType, def.options ?? []);
      if (c === undefined) {
        // skip and report: a value the attribute does not take (not one of a list's options, or not of its type)
        refusedValues[name] = String(raw).slice(0, 100);
        continue;
      }
      attrs[name] = typeof c === 'string' && field !== 'summary' ? c.slice(0, 1000) : c;
    }
    if (dropped.length) await this.recordRejected(b, dropped);
    if (Object.keys(refusedValues).length) await this.recordRefusedValues(b, refusedValues);
    const client = this.clients.for(b);
    for (let i = 0; i < 2 && Object.keys(attrs).length; i++) {
      try {
        await client.updateAttributes(conversationId, attrs);
        return { written: Object.keys(attrs), dropped };
      } catch (e) {
        if (e instanceof ProviderError && e.kind === 'attribute_invalid' && e.extra.attribute && e.extra.attribute in attrs && i === 0) {
          // The platform still refused one attribute: drop it, retry once, report it in health.
          delete attrs[e.extra.attribute];
          dropped.push(e.extra.attribute);
          await this.recordRejected(b, [e.extra.attribute]);
          continue;
        }
        // A refused token or a missing permission: the client already recorded it; these attributes are not written.
        if (e instanceof ProviderError && (e.kind === 'unauthorized' || e.kind === 'permission_missing')) return { written: [], dropped: Object.keys(attrs) };
        if (e instanceof ProviderError && (e.kind === 'not_found' || !e.retryable)) {
          this.logger.warn({ event: 'attributes.refused', kind: e.kind, bindingId: b.id }, 'attributes refused');
          return { written: [], dropped: [...dropped, ...Object.keys(attrs)] };
        }
        if (!attempt.final) throw new RetryLater('attribute update failed');
        return { written: [], dropped: [...dropped, ...Object.keys(attrs)] };
      }
    }
    return { written: [], dropped };
  }

  private async recordRejected(b: BindingEntity, names: string[]) {
    const prev = b.healthState?.attributeRejected;
    const merged = [...new Set([...(prev?.names ?? []), ...names])];
    if (prev && merged.length === prev.names.length) return;
    await this.clients.patchHealth(b, { attributeRejected: { names: merged, since: prev?.since ?? new Date().toISOString() } });
    this.logger.warn({ event: 'attributes.missing', bindingId: b.id, names }, 'mapped attributes missing in the workspace');
  }

  /** Values an attribute does not take (e.g. not one of a list's options): skipped, named in health. */
  private async recordRefusedValues(b: BindingEntity, values: Record<string, string>) {
    const prev = b.healthState?.attributeValueRejected;
    const merged = { ...(prev?.values ?? {}), ...values };
    if (prev && Object.entries(values).every(([k, v]) => prev.values[k] === v)) return;
    await this.clients.patchHealth(b, { attributeValueRejected: { values: merged, since: prev?.since ?? new Date().toISOString() } });
    this.logger.warn(
      { event: 'attributes.value_refused', bindingId: b.id, names: Object.keys(values) },
      'attribute values skipped: not accepted by the attribute',
    );
  }
}
