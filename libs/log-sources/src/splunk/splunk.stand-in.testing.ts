/**
 * Test-only stand-in for splunkd's REST API, serving a set of lines as indexed events (`_raw` = "<ISO time> <LEVEL>
 * <message>", `source` = the service, sourcetype `app_log`): POST /services/search/jobs (form fields search,
 * earliest_time, latest_time, exec_mode=blocking, output_mode=json, max_count → 201 {sid}), GET
 * /services/search/jobs/<sid>/results (offset/count paging, newest first as splunkd returns events) and GET
 * /services/data/indexes. SPL subset: `search` followed by field=value terms (index, source, sourcetype, host, `*`
 * wildcards) and bare words matched in _raw. Token auth (`Authorization: Bearer`) is checked. With
 * `maxConcurrentSearches`, a blocking job runs for `searchMs` and splunkd's search quota applies: a job created while
 * that many are running is refused with 503 and splunkd's "Search not executed" message. `quotaTakenFor` refuses the
 * first n job creations the same way (the quota is full of other users' searches when the analysis starts).
 */
import { globToRegExp, send, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export interface SplunkStandInOptions {
  lines: StandInLine[];
  token: string;
  /** Index the events live in (default `main`). */
  index?: string;
  /** Searches that may run at once (splunkd's concurrency quota); further job creations answer 503. */
  maxConcurrentSearches?: number;
  /** How long a blocking search runs before its POST answers (default 0). */
  searchMs?: number;
  /** The first n job creations find the quota taken by other users' searches (503). */
  quotaTakenFor?: number;
}

type SplunkEvent = Record<string, string> & { _time: string; _raw: string };
type ServerResponse = Parameters<Handler>[1];

function messages(res: ServerResponse, status: number, type: string, text: string): void {
  send(res, status, { messages: [{ type, text }] });
}

/** splunkd's `_time` rendering: 2024-05-01T10:00:01.000+00:00. */
function splunkTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function splunkStandIn(
  o: SplunkStandInOptions,
): Handler & { events: SplunkEvent[]; jobs: Map<string, SplunkEvent[]>; stats: { running: number; maxRunning: number; refused: number } } {
  const stats = { running: 0, maxRunning: 0, refused: 0 };
  const index = o.index ?? 'main';
  const events: SplunkEvent[] = o.lines
    .map((l) => ({ l, ms: Date.parse(l.timestamp) }))
    .sort((a, b) => b.ms - a.ms)
    .map(({ l, ms }, i) => ({
      _time: splunkTime(ms),
      _raw: `${new Date(ms).toISOString()} ${l.level.toUpperCase()} ${l.message}`,
      _cd: `12:${i}`,
      _indextime: String(Math.floor(ms / 1000) + 1),
      _serial: String(i),
      host: `${l.service}-host`,
      source: l.service,
      sourcetype: 'app_log',
      index,
      linecount: '1',
      splunk_server: 'idx-1',
    }));
  const jobs = new Map<string, SplunkEvent[]>();
  let nextSid = 1714557600;

  const handler = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.headers.authorization !== `Bearer ${o.token}`) return messages(res, 401, 'WARN', 'call not properly authenticated');
    if (req.method === 'POST' && req.path === '/services/search/jobs') return createJob(req, res);
    const results = /^\/services\/search\/jobs\/([^/]+)\/results$/.exec(req.path);
    if (req.method === 'GET' && results) {
      const job = jobs.get(decodeURIComponent(results[1]));
      if (!job) return messages(res, 404, 'ERROR', `Unknown sid.`);
      if (req.query.get('output_mode') !== 'json') return send(res, 200, '<results/>');
      const offset = Number(req.query.get('offset') ?? 0);
      const count = Number(req.query.get('count') ?? 100);
      const page = count === 0 ? job.slice(offset) : job.slice(offset, offset + count);
      return send(res, 200, {
        preview: false,
        init_offset: offset,
        messages: [],
        fields: [{ name: '_raw' }, { name: '_time' }, { name: 'host' }, { name: 'source' }, { name: 'sourcetype' }],
        results: page,
      });
    }
    if (req.method === 'GET' && req.path === '/services/data/indexes') {
      const names = [...new Set([index, 'main', '_internal', '_audit'])];
      return send(res, 200, {
        entry: names.map((name) => ({ name, content: { datatype: 'event', disabled: false } })),
        paging: { total: names.length, perPage: 0, offset: 0 },
      });
    }
    messages(res, 404, 'ERROR', 'Not Found');
  };

  function createJob(req: RecordedRequest, res: ServerResponse): void {
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return messages(res, 400, 'FATAL', 'Expected form-encoded arguments.');
    const form = new URLSearchParams(req.body);
    const spl = (form.get('search') ?? '').trim();
    const m = /^search\s+(.*)$/s.exec(spl);
    if (!m)
      return messages(res, 400, 'FATAL', spl.startsWith('|') ? 'The stand-in runs event searches only.' : `Unknown search command '${spl.split(/\s/)[0]}'.`);
    const earliest = Number(form.get('earliest_time'));
    const latest = Number(form.get('latest_time'));
    if (!Number.isFinite(earliest) || !Number.isFinite(latest)) return messages(res, 400, 'FATAL', 'earliest_time and latest_time must be epoch seconds');
    const terms = m[1].trim().split(/\s+/).filter(Boolean);
    let matched = events.filter((e) => {
      const t = Date.parse(e._time) / 1000;
      return t >= earliest && t < latest;
    });
    let indexed = false;
    for (const term of terms) {
      const kv = /^(\w+)=("?)(.+)\2$/.exec(term);
      if (kv) {
        const re = globToRegExp(kv[3]);
        if (kv[1] === 'index') {
          indexed = true;
          if (!re.test(index)) matched = [];
        } else matched = matched.filter((e) => re.test(e[kv[1]] ?? ''));
      } else matched = matched.filter((e) => e._raw.toLowerCase().includes(term.replace(/^"|"$/g, '').toLowerCase()));
    }
    if (!indexed && !terms.length) matched = [];
    const max = Number(form.get('max_count') ?? 10_000);
    const sid = `${nextSid++}.${jobs.size + 1}`;
    const quotaTaken = stats.refused < (o.quotaTakenFor ?? 0);
    if (quotaTaken || (o.maxConcurrentSearches !== undefined && stats.running >= o.maxConcurrentSearches)) {
      stats.refused++;
      return messages(
        res,
        503,
        'ERROR',
        `Search not executed: The maximum number of concurrent historical searches on this instance has been reached., concurrency_category="historical", concurrency_context="instance-wide", current_concurrency=${o.maxConcurrentSearches ?? stats.running}, concurrency_limit=${o.maxConcurrentSearches ?? stats.running}`,
      );
    }
    // exec_mode=blocking: the POST answers when the job is done (a normal-mode client would poll the job first).
    stats.running++;
    stats.maxRunning = Math.max(stats.maxRunning, stats.running);
    setTimeout(() => {
      stats.running--;
      jobs.set(sid, matched.slice(0, max));
      send(res, 201, { sid });
    }, o.searchMs ?? 0);
  }

  return Object.assign(handler, { events, jobs, stats });
}
