import axios from 'axios';
import { LogSourceError } from '../connector';
import { assertHostAllowed, guardedLookup, redactUrl, type HostGuardContext } from '../shared/host-guard';
import { retryDelayMs } from '../shared/http';

/**
 * POST an application/x-www-form-urlencoded body and read a JSON answer. Splunk's `search/jobs` (like every splunkd
 * write endpoint) takes its arguments as form fields, which the shared JSON client does not send; this keeps the same
 * guarantees: host guard before and at connect time, one deadline, 429/502/503/504 retried, coded user-facing errors
 * that never contain the token.
 */
export async function postForm<T>(o: {
  url: string;
  form: Record<string, string | number>;
  headers: Record<string, string>;
  timeoutMs: number;
  deadline?: number;
  signal?: AbortSignal;
  ctx: HostGuardContext;
  platform: string;
  hints: { forbidden: string; notFound: string };
}): Promise<T> {
  await assertHostAllowed(o.url, o.ctx);
  const started = Date.now();
  const deadline = Math.min(started + o.timeoutMs, o.deadline ?? Number.POSITIVE_INFINITY);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), Math.max(0, deadline - started));
  const signal = o.signal ? AbortSignal.any([o.signal, ctl.signal]) : ctl.signal;
  const body = new URLSearchParams(Object.entries(o.form).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const timeout = () =>
    new LogSourceError(
      'timeout',
      `${o.platform} did not answer within ${o.timeoutMs} ms — source unreachable: for a self-hosted source allow SigSentry's outbound IPs and check the host and port.`,
    );
  try {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw timeout();
      let res;
      try {
        res = await axios.request<string>({
          method: 'POST',
          url: o.url,
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', ...o.headers },
          data: body,
          signal,
          responseType: 'text',
          transformResponse: [(d: string) => d],
          validateStatus: () => true,
          maxRedirects: 0,
          proxy: false,
          lookup: guardedLookup(o.ctx),
        });
      } catch (e) {
        if (signal.aborted || axios.isCancel(e)) throw timeout();
        let cur: unknown = e;
        for (let i = 0; i < 5 && cur; i++) {
          if (cur instanceof LogSourceError) throw cur;
          cur = (cur as { cause?: unknown }).cause;
        }
        const code = (e as { code?: string }).code ?? 'network error';
        throw new LogSourceError(
          'unreachable',
          `Cannot connect to ${redactUrl(o.url)} (${code}) — source unreachable: check the host and port; a self-hosted source must allow SigSentry's outbound IPs.`,
        );
      }
      const text = typeof res.data === 'string' ? res.data : '';
      if (res.status >= 200 && res.status < 300) {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new LogSourceError('upstream_error', `${o.platform} answered ${redactUrl(o.url)} with a body that is not JSON.`);
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) if (v != null) headers[k.toLowerCase()] = String(v);
      if ([429, 502, 503, 504].includes(res.status) && attempt < 2) {
        const wait = res.status === 429 ? retryDelayMs(headers, attempt) : 200 * 2 ** attempt;
        if (Date.now() + wait < deadline) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
          });
          continue;
        }
      }
      throw statusError(res.status, splunkMessage(text), o, Object.values(o.headers));
    }
  } finally {
    clearTimeout(timer);
  }
}

/** First message text of a splunkd error body (`{"messages":[{"type":"ERROR","text":"..."}]}`). */
export function splunkMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.replace(/\s+/g, ' ').trim().slice(0, 300);
    }
  }
  const msgs = (parsed as { messages?: Array<{ text?: string }> } | null)?.messages;
  const text = Array.isArray(msgs)
    ? msgs
        .map((m) => m?.text)
        .filter(Boolean)
        .join('; ')
    : '';
  return text.slice(0, 300);
}

function statusError(
  status: number,
  detail: string,
  o: { url: string; platform: string; hints: { forbidden: string; notFound: string } },
  secrets: string[],
): LogSourceError {
  let d = detail;
  for (const s of secrets)
    if (s && s.length >= 4)
      d = d
        .split(s)
        .join('[redacted]')
        .split(s.replace(/^Bearer /, ''))
        .join('[redacted]');
  const tail = d ? ` Platform said: ${d}` : '';
  const who = o.platform;
  if (status === 401) {
    return new LogSourceError(
      'unauthorized',
      `Credentials were rejected (401 Unauthorized) by ${who}: re-paste the key; check it is still active and was not revoked.`,
    );
  }
  if (status === 403) {
    return new LogSourceError(
      'forbidden',
      `${who} answered 403 Forbidden — valid credentials but missing permission: grant the read scopes the connector needs (${o.hints.forbidden}).${tail}`,
    );
  }
  if (status === 404) {
    return new LogSourceError('not_found', `${who} answered 404 Not Found at ${redactUrl(o.url)} — wrong host or region: ${o.hints.notFound}.${tail}`);
  }
  if (status === 429)
    return new LogSourceError('rate_limited', `${who} is rate limiting requests (429 Too Many Requests): retry later or lower the query volume.${tail}`);
  if (status >= 400 && status < 500) return new LogSourceError('bad_request', `${who} refused the query (HTTP ${status}): check the sources entries.${tail}`);
  return new LogSourceError('upstream_error', `${who} failed (HTTP ${status}): the platform had an error; retry later.${tail}`);
}
