/**
 * Test-only stand-in for the Elasticsearch / OpenSearch search API, serving a set of lines as ECS documents in daily
 * indices (`<prefix>-YYYY.MM.DD`): POST /<index pattern>/_search with a `bool.filter` range on the timestamp field,
 * `sort` [{field: asc|desc}, {_doc}] and `search_after`; GET /_resolve/index/<pattern>. `Authorization: ApiKey` or Basic
 * is checked when configured; errors use Elasticsearch's `{error: {type, reason}, status}` shape.
 */
import { globToRegExp, send, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export interface ElasticStandInOptions {
  lines: StandInLine[];
  /** Expected `Authorization: ApiKey <apiKey>` (the encoded key). */
  apiKey?: string;
  /** Expected Basic credentials. */
  basic?: { username: string; password: string };
  /** Daily index prefix (default `logs-app`). */
  indexPrefix?: string;
}

interface Doc {
  _index: string;
  _id: string;
  seq: number;
  ms: number;
  _source: Record<string, unknown>;
}

type ServerResponse = Parameters<Handler>[1];

function esError(res: ServerResponse, status: number, type: string, reason: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { root_cause: [{ type, reason }], type, reason }, status }, headers);
}

export function elasticStandIn(o: ElasticStandInOptions): Handler & { docs: Doc[] } {
  const prefix = o.indexPrefix ?? 'logs-app';
  const docs: Doc[] = o.lines
    .map((l) => ({ l, ms: Date.parse(l.timestamp) }))
    .sort((a, b) => a.ms - b.ms)
    .map(({ l, ms }, seq) => ({
      _index: `${prefix}-${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '.')}`,
      _id: `doc${seq.toString(36).padStart(8, '0')}`,
      seq,
      ms,
      _source: {
        '@timestamp': new Date(ms).toISOString(),
        log: { level: l.level },
        service: { name: l.service },
        host: { name: `${l.service}-7d9f` },
        message: l.message,
        ecs: { version: '8.11.0' },
      },
    }));
  const indices = [...new Set(docs.map((d) => d._index))].sort();

  const handler = (req: RecordedRequest, res: ServerResponse): void => {
    const auth = req.headers.authorization;
    const expected = o.apiKey
      ? `ApiKey ${o.apiKey}`
      : o.basic
        ? `Basic ${Buffer.from(`${o.basic.username}:${o.basic.password}`).toString('base64')}`
        : undefined;
    if (expected && auth !== expected) {
      return esError(
        res,
        401,
        'security_exception',
        auth
          ? 'unable to authenticate with provided credentials and anonymous access is not allowed for this request'
          : 'missing authentication credentials for REST request [' + req.path + ']',
        { 'WWW-Authenticate': 'ApiKey, Basic realm="security" charset="UTF-8"' },
      );
    }
    const resolve = /^\/_resolve\/index\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && resolve) {
      const re = globToRegExp(decodeURIComponent(resolve[1]));
      return send(res, 200, { indices: indices.filter((i) => re.test(i)).map((name) => ({ name, attributes: ['open'] })), aliases: [], data_streams: [] });
    }
    const search = /^\/([^/_][^/]*)\/_search$/.exec(req.path);
    if (req.method === 'POST' && search) return searchIndices(decodeURIComponent(search[1]), req, res);
    esError(res, 400, 'illegal_argument_exception', `no handler found for uri [${req.path}] and method [${req.method}]`);
  };

  function searchIndices(pattern: string, req: RecordedRequest, res: ServerResponse): void {
    const targets = new Set<string>();
    for (const part of pattern.split(',')) {
      if (part.includes('*')) indices.filter((i) => globToRegExp(part).test(i)).forEach((i) => targets.add(i));
      else if (indices.includes(part)) targets.add(part);
      else return esError(res, 404, 'index_not_found_exception', `no such index [${part}]`);
    }
    const body = req.json as {
      size?: number;
      query?: { bool?: { filter?: Array<{ range?: Record<string, { gte?: string; gt?: string; lt?: string; lte?: string }> }> } };
      sort?: Array<Record<string, { order?: string } | string>>;
      search_after?: unknown[];
    };
    if (!body || typeof body !== 'object') return esError(res, 400, 'parse_exception', 'request body is required');
    const size = body.size ?? 10;
    if (!Number.isInteger(size) || size < 0 || size > 10_000)
      return esError(
        res,
        400,
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [10000] but was [${size}].`,
      );
    const ranges = (body.query?.bool?.filter ?? []).map((f) => f.range).filter((r): r is NonNullable<typeof r> => !!r);
    if (!body.query || ranges.length !== (body.query.bool?.filter ?? []).length)
      return esError(res, 400, 'parsing_exception', 'the stand-in understands only bool.filter range queries');
    let hits = docs.filter((d) => targets.has(d._index));
    for (const r of ranges) {
      const [field, cond] = Object.entries(r)[0];
      if (field !== '@timestamp') return esError(res, 400, 'parsing_exception', `field [${field}] is not a date field of these indices`);
      const t = (v?: string) => (v === undefined ? undefined : Date.parse(v));
      const [gte, gt, lt, lte] = [t(cond.gte), t(cond.gt), t(cond.lt), t(cond.lte)];
      hits = hits.filter(
        (d) => (gte === undefined || d.ms >= gte) && (gt === undefined || d.ms > gt) && (lt === undefined || d.ms < lt) && (lte === undefined || d.ms <= lte),
      );
    }
    const sort = body.sort ?? [];
    const first = sort[0] ? Object.entries(sort[0])[0] : undefined;
    const tsOrder = first && first[0] === '@timestamp' ? (typeof first[1] === 'string' ? first[1] : (first[1].order ?? 'asc')) : undefined;
    const hasDoc = sort.some((s) => '_doc' in s);
    if (!tsOrder || !hasDoc) return esError(res, 400, 'parsing_exception', 'the stand-in expects sort [{"@timestamp": …}, {"_doc": …}]');
    const dir = tsOrder === 'desc' ? -1 : 1;
    hits.sort((a, b) => dir * (a.ms - b.ms || a.seq - b.seq));
    if (body.search_after !== undefined) {
      const sa = body.search_after;
      if (!Array.isArray(sa) || sa.length !== 2 || typeof sa[0] !== 'number' || typeof sa[1] !== 'number') {
        return esError(res, 400, 'illegal_argument_exception', `search_after has ${Array.isArray(sa) ? sa.length : 0} value(s) but sort has 2.`);
      }
      const [ms, seq] = sa as [number, number];
      hits = hits.filter((d) => dir * (d.ms - ms || d.seq - seq) > 0);
    }
    const page = hits.slice(0, size);
    send(res, 200, {
      took: 3,
      timed_out: false,
      _shards: { total: targets.size, successful: targets.size, skipped: 0, failed: 0 },
      hits: { max_score: null, hits: page.map((d) => ({ _index: d._index, _id: d._id, _score: null, _source: d._source, sort: [d.ms, d.seq] })) },
    });
  }

  return Object.assign(handler, { docs });
}
