/**
 * Test-only stand-in for Grafana Loki's HTTP API, serving a set of lines:
 * GET /loki/api/v1/query_range (LogQL stream selector with =, !=, =~, !~ matchers and |= / != / |~ / !~ line filters;
 * start inclusive, end exclusive, nanosecond epochs; `limit` entries in `direction` order), GET /loki/api/v1/labels and
 * GET /loki/api/v1/label/<name>/values. Bearer token and X-Scope-OrgID are checked when configured.
 */
import { send, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export interface LokiStandInOptions {
  lines: StandInLine[];
  /** Expected `Authorization: Bearer <token>` (none checked when unset). */
  token?: string;
  /** Expected X-Scope-OrgID (multi-tenant Loki answers 401 "no org id" without it). */
  orgId?: string;
  /** Stream labels of a line (default `{env="prod", service_name=<service>}`; the level stays in the JSON line). */
  labels?: (l: StandInLine) => Record<string, string>;
}

interface StoredEntry {
  ns: bigint;
  line: string;
  labels: Record<string, string>;
}

type Matcher = { name: string; op: '=' | '!=' | '=~' | '!~'; value: string };
type LineFilter = { op: '|=' | '!=' | '|~' | '!~'; value: string };

/** `{a="x", b=~"y.*"} |= "err"` → matchers and line filters; undefined when it is not a log query Loki would parse. */
export function parseLogQl(query: string): { matchers: Matcher[]; filters: LineFilter[] } | undefined {
  const m = /^\s*\{([^}]*)\}(.*)$/s.exec(query);
  if (!m) return undefined;
  const matchers: Matcher[] = [];
  const body = m[1].trim();
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const x = re.exec(body);
    if (!x) return undefined;
    matchers.push({ name: x[1], op: x[2] as Matcher['op'], value: JSON.parse(`"${x[3]}"`) as string });
    pos = re.lastIndex;
  }
  if (!matchers.length) return undefined;
  const filters: LineFilter[] = [];
  const rest = m[2].trim();
  const fre = /\s*(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"/gy;
  pos = 0;
  while (pos < rest.length) {
    fre.lastIndex = pos;
    const x = fre.exec(rest);
    if (!x) return undefined;
    filters.push({ op: x[1] as LineFilter['op'], value: JSON.parse(`"${x[2]}"`) as string });
    pos = fre.lastIndex;
  }
  return { matchers, filters };
}

function matches(e: StoredEntry, q: { matchers: Matcher[]; filters: LineFilter[] }): boolean {
  for (const m of q.matchers) {
    const v = e.labels[m.name] ?? '';
    const re = () => new RegExp(`^(?:${m.value})$`);
    if (m.op === '=' && v !== m.value) return false;
    if (m.op === '!=' && v === m.value) return false;
    if (m.op === '=~' && !re().test(v)) return false;
    if (m.op === '!~' && re().test(v)) return false;
  }
  for (const f of q.filters) {
    if (f.op === '|=' && !e.line.includes(f.value)) return false;
    if (f.op === '!=' && e.line.includes(f.value)) return false;
    if (f.op === '|~' && !new RegExp(f.value).test(e.line)) return false;
    if (f.op === '!~' && new RegExp(f.value).test(e.line)) return false;
  }
  return true;
}

/** The handler for a LocalServer; `entries` exposes what is stored. */
export function lokiStandIn(o: LokiStandInOptions): Handler & { entries: StoredEntry[] } {
  const labelsOf = o.labels ?? ((l: StandInLine) => ({ env: 'prod', service_name: l.service }));
  const entries: StoredEntry[] = o.lines
    .map((l) => ({ ns: BigInt(Date.parse(l.timestamp)) * 1_000_000n, line: JSON.stringify({ level: l.level, msg: l.message }), labels: labelsOf(l) }))
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));

  const handler = (req: RecordedRequest, res: Parameters<Handler>[1]): void => {
    if (o.token && req.headers.authorization !== `Bearer ${o.token}`) return send(res, 401, 'authentication error: invalid token');
    if (o.orgId && req.headers['x-scope-orgid'] !== o.orgId) return send(res, 401, 'no org id');
    if (req.method !== 'GET') return send(res, 405, 'method not allowed');
    if (req.path === '/loki/api/v1/query_range') return queryRange(req, res);
    if (req.path === '/loki/api/v1/labels') {
      const names = [...new Set(entries.flatMap((e) => Object.keys(e.labels)))].sort();
      return send(res, 200, { status: 'success', data: names });
    }
    const lv = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(req.path);
    if (lv) {
      const name = decodeURIComponent(lv[1]);
      const values = [...new Set(entries.map((e) => e.labels[name]).filter((v): v is string => v !== undefined))].sort();
      return send(res, 200, { status: 'success', data: values });
    }
    send(res, 404, '404 page not found');
  };

  function queryRange(req: RecordedRequest, res: Parameters<Handler>[1]): void {
    const query = req.query.get('query') ?? '';
    const parsed = parseLogQl(query);
    if (!parsed) return send(res, 400, `parse error : syntax error: unexpected input in "${query}"`);
    if (!/^\d+$/.test(req.query.get('start') ?? '') || !/^\d+$/.test(req.query.get('end') ?? ''))
      return send(res, 400, 'invalid start or end: expected nanosecond epochs');
    const start = BigInt(req.query.get('start')!);
    const end = BigInt(req.query.get('end')!);
    const limit = Number(req.query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit <= 0 || limit > 5000)
      return send(res, 400, `max entries limit per query exceeded, limit > max_entries_limit (${limit} > 5000)`);
    const forward = req.query.get('direction') === 'forward';
    const inRange = entries.filter((e) => e.ns >= start && e.ns < end && matches(e, parsed));
    const picked = forward ? inRange.slice(0, limit) : inRange.slice(-limit).reverse();
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const e of picked) {
      const key = JSON.stringify(Object.entries(e.labels).sort());
      if (!streams.has(key)) streams.set(key, { stream: e.labels, values: [] });
      streams.get(key)!.values.push([e.ns.toString(), e.line]);
    }
    send(res, 200, {
      status: 'success',
      data: { resultType: 'streams', result: [...streams.values()], stats: { summary: { totalEntriesReturned: picked.length } } },
    });
  }

  return Object.assign(handler, { entries });
}
