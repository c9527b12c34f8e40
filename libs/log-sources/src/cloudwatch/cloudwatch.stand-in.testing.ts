/**
 * Test-only stand-in for the CloudWatch Logs service (AWS JSON 1.1: POST /, `X-Amz-Target: Logs_20140328.<Operation>`,
 * errors as `{"__type", "message"}`), serving a set of lines as events of one log group per service (`/ecs/<service>`,
 * JSON messages): FilterLogEvents (startTime/endTime inclusive, limit ≤ 10 000, opaque nextToken) and
 * DescribeLogGroups (limit ≤ 50, nextToken). Requests must carry a valid SigV4 signature for the configured key,
 * region and the `logs` service (recomputed here as AWS documents it).
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { decodeToken, encodeToken, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export interface CloudWatchStandInOptions {
  lines: StandInLine[];
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Log group of a line (default `/ecs/<service>`). */
  groupOf?: (l: StandInLine) => string;
}

export function awsReply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'c0ffee00-0000-4000-8000-000000000000' });
  res.end(JSON.stringify(body));
}

export function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  awsReply(res, status, { __type: type, message });
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/**
 * Checks an `Authorization: AWS4-HMAC-SHA256 …` header the way AWS does: credential scope, then the signature over the
 * canonical request (method, path, query, the signed headers, the body hash). Returns the AWS error type, or undefined.
 */
export function verifySigV4(
  req: { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string },
  o: { accessKeyId: string; secretAccessKey: string; region: string; service: string },
): { type: string; message: string } | undefined {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization ?? ''),
  );
  if (!m) return { type: 'IncompleteSignatureException', message: 'Authorization header requires Credential, SignedHeaders and Signature.' };
  const [, keyId, date, region, service, signedHeaders, signature] = m;
  if (keyId !== o.accessKeyId) return { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (region !== o.region || service !== o.service)
    return { type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region/service ('${o.region}'/'${o.service}').` };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date)) return { type: 'IncompleteSignatureException', message: 'X-Amz-Date does not match the credential scope date.' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return { type: 'IncompleteSignatureException', message: 'host and x-amz-date must be signed.' };
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const query = [...req.query.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [req.method, req.path, query, canonicalHeaders, signedHeaders, sha256(req.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${o.secretAccessKey}`, date), region), service), 'aws4_request');
  if (createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex') !== signature) {
    return {
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}

interface CwEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export function cloudwatchStandIn(o: CloudWatchStandInOptions): Handler & { groups: Map<string, CwEvent[]> } {
  const groupOf = o.groupOf ?? ((l: StandInLine) => `/ecs/${l.service}`);
  const groups = new Map<string, CwEvent[]>();
  o.lines
    .map((l) => ({ l, ms: Date.parse(l.timestamp) }))
    .sort((a, b) => a.ms - b.ms)
    .forEach(({ l, ms }, i) => {
      const g = groupOf(l);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push({
        logStreamName: `ecs/${l.service}/${(i % 3).toString(16).padStart(32, 'a')}`,
        timestamp: ms,
        message: JSON.stringify({ level: l.level.toUpperCase(), message: l.message }),
        ingestionTime: ms + 250,
        eventId: `${ms}${String(i).padStart(20, '0')}`,
      });
    });
  const names = [...groups.keys()].sort();

  const handler = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.method !== 'POST' || req.path !== '/') return awsError(res, 404, 'UnknownOperationException', 'Not found');
    if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1'))
      return awsError(res, 400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    const denied = verifySigV4(req, { ...o, service: 'logs' });
    if (denied) return awsError(res, 400, denied.type, denied.message);
    const body = (req.json ?? {}) as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target === 'Logs_20140328.FilterLogEvents') return filterLogEvents(body, res);
    if (target === 'Logs_20140328.DescribeLogGroups') {
      const limit = (body.limit as number | undefined) ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 50)
        return awsError(res, 400, 'InvalidParameterException', '1 validation error detected: limit must be ≤ 50');
      const offset = body.nextToken ? (decodeToken<{ o: number }>(String(body.nextToken))?.o ?? -1) : 0;
      if (offset < 0) return awsError(res, 400, 'InvalidParameterException', 'The specified nextToken is invalid.');
      const page = names.slice(offset, offset + limit);
      const next = offset + page.length < names.length ? encodeToken({ o: offset + page.length }) : undefined;
      return awsReply(res, 200, {
        logGroups: page.map((n) => ({
          logGroupName: n,
          creationTime: 1700000000000,
          metricFilterCount: 0,
          arn: `arn:aws:logs:${o.region}:123456789012:log-group:${n}:*`,
          storedBytes: 1024,
          logGroupClass: 'STANDARD',
        })),
        ...(next ? { nextToken: next } : {}),
      });
    }
    awsError(res, 400, 'UnknownOperationException', `Unknown operation ${target}`);
  };

  function filterLogEvents(body: Record<string, unknown>, res: ServerResponse): void {
    const group = String(body.logGroupName ?? '');
    const events = groups.get(group);
    if (!events) return awsError(res, 400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const limit = (body.limit as number | undefined) ?? 10_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      return awsError(res, 400, 'InvalidParameterException', '1 validation error detected: limit must be between 1 and 10000');
    const start = typeof body.startTime === 'number' ? body.startTime : 0;
    const end = typeof body.endTime === 'number' ? body.endTime : Number.MAX_SAFE_INTEGER;
    const key = JSON.stringify([group, start, end]);
    let offset = 0;
    if (body.nextToken !== undefined) {
      const state = decodeToken<{ o: number; k: string }>(String(body.nextToken));
      if (!state || state.k !== key) return awsError(res, 400, 'InvalidParameterException', 'The specified nextToken is invalid.');
      offset = state.o;
    }
    const matching = events.filter((e) => e.timestamp >= start && e.timestamp <= end);
    const page = matching.slice(offset, offset + limit);
    const next = offset + page.length < matching.length ? encodeToken({ o: offset + page.length, k: key }) : undefined;
    awsReply(res, 200, { events: page, searchedLogStreams: [], ...(next ? { nextToken: next } : {}) });
  }

  return Object.assign(handler, { groups });
}
