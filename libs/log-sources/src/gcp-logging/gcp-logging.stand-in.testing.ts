/**
 * Test-only stand-ins for Google: the OAuth 2.0 token endpoint (JWT-bearer grant whose RS256 assertion is verified with
 * the service account's public key) and the Cloud Logging v2 REST API serving a set of lines as Cloud Run entries
 * (POST /v2/entries:list with resourceNames, a filter of `timestamp>=/<=` bounds AND'ed with OR'ed `field="value"`
 * clauses, orderBy `timestamp asc|desc`, pageSize ≤ 1000 and pageToken; GET /v2/projects/<p>/logs).
 */
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeToken, encodeToken, type Handler, type RecordedRequest, type StandInLine } from '../shared/local-server.testing';

export const GCP_LOGGING_READ_SCOPE = 'https://www.googleapis.com/auth/logging.read';

/** A fresh RSA service account: its JSON key file (as IAM hands it out) and the public key Google would verify with. */
export function generateServiceAccount(
  projectId: string,
  clientEmail = `sigsentry-reader@${projectId}.iam.gserviceaccount.com`,
): { json: string; publicKey: KeyObject; privateKey: KeyObject; clientEmail: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { json: serviceAccountJson(projectId, clientEmail, privateKey), publicKey, privateKey, clientEmail };
}

export function serviceAccountJson(projectId: string, clientEmail: string, privateKey: KeyObject): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: projectId,
    private_key_id: 'kid-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}

function b64url(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Google's token endpoint logic for the JWT-bearer grant: form body, grant type, RS256 signature with `publicKey`, then
 * the claims (iss, aud, scope, iat < exp). Returns the verified claims, or the OAuth error to answer with (HTTP 400).
 */
export function verifyJwtBearer(
  req: { headers: RecordedRequest['headers']; body: string },
  o: { publicKey: KeyObject; iss: string; aud: string; scope?: string },
): { claims: Record<string, unknown>; error?: undefined } | { error: string; claims?: Record<string, unknown> } {
  if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return { error: 'form expected' };
  const form = new URLSearchParams(req.body);
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { error: 'bad grant_type' };
  const [h, p, sig] = (form.get('assertion') ?? '').split('.');
  if (!h || !p || !sig) return { error: 'malformed assertion' };
  const header = JSON.parse(b64url(h).toString('utf8')) as { alg?: string };
  if (header.alg !== 'RS256') return { error: 'alg' };
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), o.publicKey, b64url(sig))) return { error: 'Invalid JWT Signature.' };
  const claims = JSON.parse(b64url(p).toString('utf8')) as Record<string, unknown>;
  if (claims.iss !== o.iss || claims.aud !== o.aud || claims.scope !== (o.scope ?? GCP_LOGGING_READ_SCOPE)) return { error: 'claims', claims };
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp <= claims.iat) return { error: 'exp', claims };
  return { claims };
}

export function googleJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

export interface GcpLoggingStandInOptions {
  lines: StandInLine[];
  projectId: string;
  clientEmail: string;
  publicKey: KeyObject;
  /** Base URL the server is reachable at (the assertion's `aud` is `<baseUrl><tokenPath>`); read lazily. */
  baseUrl: () => string;
  tokenPath?: string;
  accessToken?: string;
}

interface GcpEntry {
  ms: number;
  entry: Record<string, unknown> & { logName: string; timestamp: string; severity: string; resource: { type: string; labels: Record<string, string> } };
}

const SEVERITY: Record<StandInLine['level'], string> = { info: 'INFO', warn: 'WARNING', error: 'ERROR' };

function field(e: GcpEntry['entry'], path: string): string | undefined {
  let cur: unknown = e;
  for (const part of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return typeof cur === 'string' ? cur : undefined;
}

export function gcpLoggingStandIn(o: GcpLoggingStandInOptions): Handler & { entries: GcpEntry[]; assertions: Array<Record<string, unknown>> } {
  const tokenPath = o.tokenPath ?? '/token';
  const accessToken = o.accessToken ?? 'ya29.local-stand-in-token';
  const assertions: Array<Record<string, unknown>> = [];
  const logName = `projects/${o.projectId}/logs/run.googleapis.com%2Fstdout`;
  const entries: GcpEntry[] = o.lines
    .map((l) => ({ l, ms: Date.parse(l.timestamp) }))
    .sort((a, b) => a.ms - b.ms)
    .map(({ l, ms }, i) => ({
      ms,
      entry: {
        insertId: `${ms.toString(16)}${i.toString(16).padStart(6, '0')}`,
        logName,
        resource: {
          type: 'cloud_run_revision',
          labels: {
            project_id: o.projectId,
            service_name: l.service,
            revision_name: `${l.service}-00042-xyz`,
            location: 'europe-west1',
            configuration_name: l.service,
          },
        },
        timestamp: new Date(ms).toISOString(),
        receiveTimestamp: new Date(ms + 120).toISOString(),
        severity: SEVERITY[l.level],
        ...(i % 2 ? { textPayload: l.message } : { jsonPayload: { message: l.message, level: l.level } }),
        labels: { instanceId: '00c61b117c' },
      },
    }));

  const handler = (req: RecordedRequest, res: ServerResponse): void => {
    if (req.method === 'POST' && req.path === tokenPath) {
      const r = verifyJwtBearer(req, { publicKey: o.publicKey, iss: o.clientEmail, aud: `${o.baseUrl()}${tokenPath}` });
      if (r.claims) assertions.push(r.claims);
      if (r.error !== undefined) return googleJson(res, 400, { error: 'invalid_grant', error_description: r.error });
      return googleJson(res, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      return googleJson(res, 401, {
        error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.', status: 'UNAUTHENTICATED' },
      });
    }
    if (req.method === 'POST' && req.path === '/v2/entries:list') return list(req, res);
    if (req.method === 'GET' && req.path === `/v2/projects/${o.projectId}/logs`) {
      return googleJson(res, 200, { logNames: [...new Set(entries.map((e) => e.entry.logName))] });
    }
    googleJson(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
  };

  function list(req: RecordedRequest, res: ServerResponse): void {
    const invalid = (message: string) => googleJson(res, 400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
    const body = req.json as { resourceNames?: string[]; filter?: string; orderBy?: string; pageSize?: number; pageToken?: string };
    if (!body?.resourceNames?.length) return invalid('resourceNames is required');
    if (body.resourceNames.some((r) => r !== `projects/${o.projectId}`))
      return googleJson(res, 403, { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } });
    const filter = body.filter ?? '';
    const ge = /timestamp\s*>=\s*"([^"]+)"/.exec(filter);
    const le = /timestamp\s*<=\s*"([^"]+)"/.exec(filter);
    const from = ge ? Date.parse(ge[1]) : -Infinity;
    const to = le ? Date.parse(le[1]) : Infinity;
    if (Number.isNaN(from) || Number.isNaN(to)) return invalid(`Invalid timestamp in filter: ${filter}`);
    const clauses = [...filter.replace(/timestamp\s*[<>]=\s*"[^"]+"/g, '').matchAll(/([A-Za-z_][\w.]*)\s*=\s*"([^"]*)"/g)].map((m) => ({
      path: m[1],
      value: m[2],
    }));
    const pageSize = body.pageSize ?? 50;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return invalid('pageSize must be between 1 and 1000');
    const desc = /^timestamp\s+desc$/i.test(body.orderBy ?? '');
    if (body.orderBy && !desc && !/^timestamp(\s+asc)?$/i.test(body.orderBy)) return invalid(`Invalid orderBy: ${body.orderBy}`);
    const matching = entries.filter((e) => e.ms >= from && e.ms <= to && (clauses.length === 0 || clauses.some((c) => field(e.entry, c.path) === c.value)));
    if (desc) matching.reverse();
    let offset = 0;
    if (body.pageToken) {
      const state = decodeToken<{ o: number; f: string }>(body.pageToken);
      if (!state || state.f !== filter) return invalid('The page token is not valid for this request.');
      offset = state.o;
    }
    const page = matching.slice(offset, offset + pageSize);
    const next = offset + page.length < matching.length ? encodeToken({ o: offset + page.length, f: filter }) : undefined;
    googleJson(res, 200, { entries: page.map((e) => e.entry), ...(next ? { nextPageToken: next } : {}) });
  }

  return Object.assign(handler, { entries, assertions });
}
