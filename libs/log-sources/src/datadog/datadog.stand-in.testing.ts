/**
 * Test-only stand-in for Datadog's Logs API v2, serving a set of lines: POST /api/v2/logs/events/search (search syntax
 * subset: space-separated `facet:value` terms with `*` wildcards over service/status/host/source and tags, `*` for
 * all; `sort` timestamp / -timestamp; `page.limit` ≤ 1000 and an opaque `page.cursor` from `meta.page.after`) and
 * POST /api/v2/logs/analytics/aggregate (count grouped by one facet). DD-API-KEY / DD-APPLICATION-KEY are checked
 * (Datadog answers 403 for unknown keys). With `rateLimit`, log searches are rate limited as Datadog documents: a
 * calendar-aligned window of `periodSeconds` allowing `limit` requests, every answer carrying X-RateLimit-Limit,
 * -Period, -Remaining, -Reset (seconds until the window resets) and -Name, and 429 once the window is used up.
 */
import { decodeToken, encodeToken, globToRegExp, send, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export interface DatadogStandInOptions {
  lines: StandInLine[];
  apiKey: string;
  appKey: string;
  /** `usedByOthers`: requests other clients already made in the window current when the first request arrives. */
  rateLimit?: { limit: number; periodSeconds: number; usedByOthers?: number };
}

interface DdLog {
  id: string;
  type: 'log';
  ms: number;
  attributes: { timestamp: string; status: string; service: string; host: string; message: string; tags: string[]; attributes: Record<string, unknown> };
}

type ServerResponse = Parameters<Handler>[1];
const STATUS: Record<StandInLine['level'], string> = { info: 'info', warn: 'warn', error: 'error' };

function matchesQuery(log: DdLog, query: string): boolean {
  for (const term of query.trim().split(/\s+/).filter(Boolean)) {
    if (term === '*') continue;
    const m = /^(-)?([\w.@-]+):(.+)$/.exec(term);
    if (!m) {
      if (!log.attributes.message.toLowerCase().includes(term.replace(/^"|"$/g, '').toLowerCase())) return false;
      continue;
    }
    const [, neg, facet, raw] = m;
    const re = globToRegExp(raw.replace(/^"|"$/g, ''));
    const a = log.attributes;
    const value =
      facet === 'service'
        ? [a.service]
        : facet === 'status'
          ? [a.status]
          : facet === 'host'
            ? [a.host]
            : facet === 'source'
              ? [String(a.attributes.source ?? '')]
              : a.tags.filter((t) => t.startsWith(`${facet}:`)).map((t) => t.slice(facet.length + 1));
    const hit = value.some((v) => re.test(v));
    if (hit === !!neg) return false;
  }
  return true;
}

export function datadogStandIn(o: DatadogStandInOptions): Handler & { logs: DdLog[] } {
  const logs: DdLog[] = o.lines
    .map((l) => ({ l, ms: Date.parse(l.timestamp) }))
    .sort((a, b) => a.ms - b.ms)
    .map(({ l, ms }, i) => ({
      id: `AwAAAZ${ms.toString(36)}${i.toString(36).padStart(5, '0')}`,
      type: 'log',
      ms,
      attributes: {
        timestamp: new Date(ms).toISOString(),
        status: STATUS[l.level],
        service: l.service,
        host: `i-0${(ms % 0xfffff).toString(16)}`,
        message: l.message,
        tags: ['env:prod', `service:${l.service}`, 'source:nodejs'],
        attributes: { source: 'nodejs', env: 'prod' },
      },
    }));

  const handler = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.headers['dd-api-key'] !== o.apiKey || req.headers['dd-application-key'] !== o.appKey) return send(res, 403, { errors: ['Forbidden'] });
    if (req.method === 'POST' && req.path === '/api/v2/logs/events/search') {
      if (o.rateLimit && !admit(res, o.rateLimit)) return send(res, 429, { errors: ['Too many requests'] });
      return search(req, res);
    }
    if (req.method === 'POST' && req.path === '/api/v2/logs/analytics/aggregate') return aggregate(req, res);
    send(res, 404, { errors: ['Not found'] });
  };

  /** Fixed, calendar-aligned window: sets the X-RateLimit-* headers; false when this request is over the limit. */
  const used = new Map<number, number>();
  function admit(res: ServerResponse, rl: { limit: number; periodSeconds: number; usedByOthers?: number }): boolean {
    const period = rl.periodSeconds * 1000;
    const slot = Math.floor(Date.now() / period);
    const n = (used.get(slot) ?? (used.size === 0 ? (rl.usedByOthers ?? 0) : 0)) + 1;
    used.set(slot, n);
    res.setHeader('X-RateLimit-Limit', String(rl.limit));
    res.setHeader('X-RateLimit-Period', String(rl.periodSeconds));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, rl.limit - n)));
    res.setHeader('X-RateLimit-Reset', String(Math.max(1, Math.ceil(((slot + 1) * period - Date.now()) / 1000))));
    res.setHeader('X-RateLimit-Name', 'logs_query');
    return n <= rl.limit;
  }

  function window(body: { filter?: { query?: string; from?: string; to?: string } } | undefined): DdLog[] | string {
    const f = body?.filter ?? {};
    const from = Date.parse(f.from ?? '');
    const to = Date.parse(f.to ?? '');
    if (Number.isNaN(from) || Number.isNaN(to)) return 'filter.from and filter.to must be dates';
    return logs.filter((l) => l.ms >= from && l.ms <= to && matchesQuery(l, f.query ?? '*'));
  }

  function search(req: RecordedRequest, res: ServerResponse): void {
    const body = req.json as { filter?: { query?: string; from?: string; to?: string }; sort?: string; page?: { limit?: number; cursor?: string } };
    const found = window(body);
    if (typeof found === 'string') return send(res, 400, { errors: [found] });
    const limit = body.page?.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return send(res, 400, { errors: ['page[limit] must be between 1 and 1000'] });
    if (body.sort === '-timestamp') found.reverse();
    else if (body.sort !== undefined && body.sort !== 'timestamp') return send(res, 400, { errors: [`invalid sort "${body.sort}"`] });
    let offset = 0;
    if (body.page?.cursor) {
      const state = decodeToken<{ o: number; q: string }>(body.page.cursor);
      if (!state || state.q !== JSON.stringify(body.filter)) return send(res, 400, { errors: ['invalid page[cursor] for this query'] });
      offset = state.o;
    }
    const data = found.slice(offset, offset + limit).map(({ ms: _ms, ...log }) => log);
    const next = offset + data.length < found.length ? encodeToken({ o: offset + data.length, q: JSON.stringify(body.filter) }) : undefined;
    send(res, 200, {
      data,
      meta: { elapsed: 42, request_id: `req-${req.body.length}`, status: 'done', ...(next ? { page: { after: next } } : {}) },
      ...(next ? { links: { next: `${req.headers.host ?? ''}/api/v2/logs/events?page[cursor]=${next}` } } : {}),
    });
  }

  function aggregate(req: RecordedRequest, res: ServerResponse): void {
    const body = req.json as {
      compute?: Array<{ aggregation?: string }>;
      filter?: { query?: string; from?: string; to?: string };
      group_by?: Array<{ facet?: string; limit?: number }>;
    };
    if (body?.compute?.[0]?.aggregation !== 'count') return send(res, 400, { errors: ['the stand-in computes count only'] });
    const found = window(body);
    if (typeof found === 'string') return send(res, 400, { errors: [found] });
    const facet = body.group_by?.[0]?.facet ?? 'service';
    const counts = new Map<string, number>();
    for (const l of found) {
      const v =
        facet === 'service'
          ? l.attributes.service
          : facet === 'status'
            ? l.attributes.status
            : facet === 'source'
              ? String(l.attributes.attributes.source)
              : undefined;
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const buckets = [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, body.group_by?.[0]?.limit ?? 10)
      .map(([v, c]) => ({ by: { [facet]: v }, computes: { c0: c } }));
    send(res, 200, { data: { buckets }, meta: { elapsed: 12, request_id: 'agg', status: 'done' } });
  }

  return Object.assign(handler, { logs });
}
