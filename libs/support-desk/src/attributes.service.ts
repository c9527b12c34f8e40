import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SUMMARY_ATTRIBUTE_MAX } from '@app/contracts';
import { BindingEntity, MappableField } from './support-desk.entities';
import { BindingClients } from './binding-client';
import { AttributeDefinition, ProviderError } from './provider';
import { BindingsService } from './bindings.service';
import { RetryLater } from './post.service';

export { SUMMARY_ATTRIBUTE_MAX };

/** Coerces a value to the attribute's data type (contract §7); undefined when it cannot be represented. */
export function coerce(value: unknown, dataType: string): unknown {
  if (value === null || value === undefined) return undefined;
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
    for (const [field, raw] of wanted) {
      const name = mapping[field as MappableField]!;
      const def = byName.get(name);
      if (!def || !def.apiWritable) {
        dropped.push(name);
        continue;
      }
      const v = field === 'summary' ? String(raw).slice(0, SUMMARY_ATTRIBUTE_MAX) : raw;
      const c = coerce(v, def.dataType);
      if (c === undefined) dropped.push(name);
      else attrs[name] = typeof c === 'string' && field !== 'summary' ? c.slice(0, 1000) : c;
    }
    if (dropped.length) await this.recordRejected(b, dropped);
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
        // A refused token: the client already set the binding's state; these attributes are not written.
        if (e instanceof ProviderError && e.kind === 'unauthorized') return { written: [], dropped: Object.keys(attrs) };
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
    b.healthState = { ...(b.healthState ?? {}), attributeRejected: { names: merged, since: prev?.since ?? new Date().toISOString() } };
    await this.ds.getRepository(BindingEntity).update({ id: b.id }, { healthState: b.healthState });
    this.logger.warn({ event: 'attributes.missing', bindingId: b.id, names }, 'mapped attributes missing in the workspace');
  }
}
