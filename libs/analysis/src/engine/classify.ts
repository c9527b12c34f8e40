/**
 * Category and error type of a log message: exception names, errno codes, HTTP statuses and
 * pool / connection / heap / quota words. Ordered rules, first match wins.
 */
import type { RootCauseCategory } from '@app/contracts';

interface Rule {
  category: RootCauseCategory;
  re: RegExp;
  errorType: string;
}

const RULES: Rule[] = [
  {
    category: 'memory',
    re: /out ?of ?memory|\boom\b|oomkill|heap (space|exhausted|limit)|java heap|gc overhead|cannot allocate memory|\benomem\b|memory limit|allocation failed|memory (exhausted|pressure)/i,
    errorType: 'OutOfMemory',
  },
  {
    category: 'disk',
    re: /no space left|\benospc\b|disk (is )?full|disk quota|quota exceeded on (disk|volume)|filesystem (is )?full|read-only file ?system|\berofs\b|inode|volume (is )?full|\bedquot\b/i,
    errorType: 'DiskFull',
  },
  { category: 'network', re: /certificate|\btls\b|\bssl\b|x509|handshake/i, errorType: 'TlsError' },
  {
    category: 'network',
    re: /\benotfound\b|\beai_again\b|\bdns\b|name resolution|could not resolve|getaddrinfo|unknown host|nxdomain|no such host/i,
    errorType: 'DnsResolutionFailed',
  },
  {
    category: 'database',
    re: /connection pool|pool (is )?exhausted|too many clients|connection slots|pool timeout|too many (db |database )?connections|could not acquire (a )?(db |database )?connection|acquire connection|deadlock|lock wait timeout|\bsql|postgres|mysql|mongo|database|\bdb\b|\bquery\b|replica lag|transaction (rolled back|aborted)/i,
    errorType: 'DatabaseError',
  },
  { category: 'rate_limiting', re: /\b429\b|rate.?limit|throttl|too many requests|quota (exceeded|exhausted)|request limit/i, errorType: 'RateLimitExceeded' },
  {
    category: 'null_reference',
    re: /null ?pointer|nullreference|cannot read propert(y|ies) of (undefined|null)|undefined is not (an object|a function)|is not a function|'?nonetype'? object|nil pointer|null reference|of null\b|is null\b|is undefined\b/i,
    errorType: 'NullReference',
  },
  {
    category: 'authentication',
    re: /\b401\b|unauthori[sz]ed|unauthenticated|authentication (failed|failure|error)|invalid (token|credentials|password|api key)|(token|session) (has )?expired|jwt|identity provider|\bidp\b|oauth|oidc|jwks|login failed|sso\b/i,
    errorType: 'AuthenticationFailed',
  },
  {
    category: 'authorization',
    re: /\b403\b|forbidden|permission denied|access denied|not authori[sz]ed|insufficient (scope|permissions?)|\beacces\b|\beperm\b/i,
    errorType: 'AccessDenied',
  },
  {
    category: 'configuration',
    re: /config|misconfig|environment variable|\benv\b|not set|missing (setting|key|variable|property)|unknown option|invalid (setting|value for)|feature flag|secret .*missing|no such (setting|option)/i,
    errorType: 'ConfigurationError',
  },
  { category: 'timeout', re: /timed? ?out\b|\betimedout\b|deadline|\b504\b|took too long|did not respond within/i, errorType: 'Timeout' },
  {
    category: 'network',
    re: /\beconnrefused\b|\beconnreset\b|connection (refused|reset|closed|aborted)|\behostunreach\b|\benetunreach\b|unreachable|broken pipe|socket hang up|\bepipe\b/i,
    errorType: 'ConnectionFailed',
  },
  {
    category: 'validation',
    re: /validation|invalid (input|request|payload|argument|format|email|parameter)|\b400\b|bad request|schema|must be|malformed|unprocessable|\b422\b/i,
    errorType: 'ValidationError',
  },
  {
    category: 'dependency',
    re: /\b50[23]\b|upstream|bad gateway|service unavailable|circuit (breaker )?(is )?open|dependency|downstream|provider (is )?(down|unavailable)/i,
    errorType: 'DependencyUnavailable',
  },
];

const EXCEPTION = /\b([A-Z][A-Za-z0-9]*(?:Exception|Error|Fault))\b/;
const ERRNO = /\b(E(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|AI_AGAIN|NOSPC|NOMEM|ACCES|PERM|HOSTUNREACH|NETUNREACH|PIPE|ROFS|DQUOT|MFILE))\b/;
const HTTP = /\b(?:HTTP|status(?: code)?|returned|responded with|got)[ :=]*([45]\d\d)\b/i;
const GENERIC_EXCEPTIONS = new Set(['Error', 'Exception', 'TypeError', 'RuntimeException', 'RuntimeError', 'InternalError', 'ServerError']);

export interface Classification {
  category: RootCauseCategory;
  errorType: string;
  /** Which rule decided (for explanations). */
  matched: string | null;
}

/** Classifies one message (a template or a raw message). */
export function classifyMessage(message: string): Classification {
  let category: RootCauseCategory = 'unknown';
  let errorType = '';
  let matched: string | null = null;
  for (const r of RULES) {
    const m = r.re.exec(message);
    if (m) {
      category = r.category;
      errorType = r.errorType;
      matched = m[0];
      break;
    }
  }
  // Refine the type: a specific exception name, then an errno code, then an HTTP status.
  if (category === 'database' && /pool|too many (db |database )?connections|too many clients|connection slots|acquire/i.test(message))
    errorType = 'ConnectionPoolExhausted';
  const ex = EXCEPTION.exec(message);
  const errno = ERRNO.exec(message);
  const http = HTTP.exec(message);
  if (ex && !GENERIC_EXCEPTIONS.has(ex[1])) errorType = ex[1];
  else if (errno) errorType = errno[1];
  else if (
    http &&
    (category === 'unknown' || category === 'dependency' || category === 'rate_limiting' || category === 'authentication' || category === 'authorization')
  )
    errorType = `HTTP${http[1]}`;
  else if (ex && !errorType) errorType = ex[1];
  if (!errorType) errorType = category === 'unknown' ? 'UnknownError' : errorType;
  return { category, errorType, matched };
}

export interface SuggestedActionTemplate {
  action: string;
  rationale: string;
  type: 'fix' | 'investigate' | 'mitigate' | 'escalate';
}

/** Typed actions per category; `{service}` and `{errorType}` are filled in by the caller. */
export const ACTIONS: Record<RootCauseCategory, SuggestedActionTemplate[]> = {
  database: [
    {
      action: 'Check the database connection pool of {service}: active vs. maximum connections, long-running queries and connection leaks.',
      rationale: 'The winning signature points at database connections ({errorType}).',
      type: 'investigate',
    },
    {
      action: 'Raise the pool size or recycle {service} instances to release leaked connections.',
      rationale: 'Restores capacity while the cause is found.',
      type: 'mitigate',
    },
    {
      action: 'Fix the query or code path that holds connections (missing release, slow query, missing index).',
      rationale: 'Pool exhaustion usually comes from connections held too long.',
      type: 'fix',
    },
  ],
  timeout: [
    {
      action: 'Find which dependency of {service} is slow: compare its latency and saturation with the baseline.',
      rationale: 'Timeouts propagate up the call chain from the slowest dependency.',
      type: 'investigate',
    },
    {
      action: 'Shed load or enable circuit breaking / shorter timeouts towards the slow dependency.',
      rationale: 'Stops callers from piling up waiting requests.',
      type: 'mitigate',
    },
    { action: 'Fix the slow operation or add capacity where the latency starts.', rationale: 'Removes the source of the timeouts.', type: 'fix' },
  ],
  null_reference: [
    {
      action: 'Roll back the latest deploy of {service}.',
      rationale: 'New null-reference errors right after a change usually mean a regression ({errorType}).',
      type: 'mitigate',
    },
    {
      action: 'Fix the missing null check in the code path shown in the stack traces of {service}.',
      rationale: 'The same signature repeats on every request that takes that path.',
      type: 'fix',
    },
    { action: 'Review the recent changes to {service} for fields that may now be absent.', rationale: 'Identifies the causal change.', type: 'investigate' },
  ],
  authentication: [
    {
      action: 'Check the identity provider / token issuer used by {service} (status page, credentials, signing keys).',
      rationale: 'Authentication failures started together ({errorType}).',
      type: 'investigate',
    },
    {
      action: 'Rotate or restore the credentials or keys {service} uses to authenticate.',
      rationale: 'Expired or revoked credentials produce this signature.',
      type: 'fix',
    },
    { action: 'Escalate to the identity provider if its outage is confirmed.', rationale: 'The fix may be outside your systems.', type: 'escalate' },
  ],
  authorization: [
    {
      action: 'Review recent permission, role or policy changes affecting {service}.',
      rationale: 'Access denials started in the incident window ({errorType}).',
      type: 'investigate',
    },
    { action: 'Restore the missing grant or scope for the affected callers.', rationale: 'Removes the denials.', type: 'fix' },
  ],
  rate_limiting: [
    {
      action: 'Identify which client or job of {service} exceeds the limit and throttle or back off its calls.',
      rationale: 'Requests are being rejected for rate ({errorType}).',
      type: 'mitigate',
    },
    { action: 'Request a higher quota or add caching/batching to cut call volume.', rationale: 'Prevents the limit from being hit again.', type: 'fix' },
    { action: 'Escalate to the provider if the limit changed without notice.', rationale: 'The limit may be enforced externally.', type: 'escalate' },
  ],
  disk: [
    {
      action: 'Free disk space on the hosts of {service} (logs, temp files, old artifacts).',
      rationale: 'Writes are failing because the disk is full ({errorType}).',
      type: 'mitigate',
    },
    { action: 'Add log rotation/retention or grow the volume of {service}.', rationale: 'Stops the disk from filling again.', type: 'fix' },
  ],
  memory: [
    {
      action: 'Restart or scale out {service} to recover from memory exhaustion.',
      rationale: 'The process ran out of memory ({errorType}).',
      type: 'mitigate',
    },
    { action: 'Take a heap profile of {service} and look for leaks or unbounded caches.', rationale: 'Memory grew until the limit.', type: 'investigate' },
    { action: 'Fix the leak or raise the memory limit to fit the workload.', rationale: 'Prevents recurrence.', type: 'fix' },
  ],
  configuration: [
    {
      action: 'Compare the configuration of {service} with the last working release (missing or invalid settings, secrets, certificates).',
      rationale: 'The errors name configuration ({errorType}).',
      type: 'investigate',
    },
    { action: 'Restore the correct setting and redeploy {service}.', rationale: 'Configuration errors persist until corrected.', type: 'fix' },
  ],
  network: [
    {
      action: 'Check connectivity from {service}: DNS resolution, certificates, security groups and the target endpoints.',
      rationale: 'The errors are network-level ({errorType}).',
      type: 'investigate',
    },
    { action: 'Fix the DNS record, certificate or network rule, or fail over to a healthy endpoint.', rationale: 'Restores connectivity.', type: 'fix' },
  ],
  dependency: [
    {
      action: 'Check the health of the dependency {service} calls (status page, its own logs).',
      rationale: 'Calls to a dependency are failing ({errorType}).',
      type: 'investigate',
    },
    { action: 'Enable fallbacks or circuit breaking in {service} while the dependency recovers.', rationale: 'Limits user impact.', type: 'mitigate' },
    { action: 'Escalate to the team or vendor owning the dependency.', rationale: 'The fix is on their side.', type: 'escalate' },
  ],
  validation: [
    {
      action: 'Find which client sends the rejected requests to {service} and what changed in its payloads.',
      rationale: 'Input validation failures rose ({errorType}).',
      type: 'investigate',
    },
    { action: 'Fix the client or relax the schema if the new input is legitimate.', rationale: 'Removes the rejections.', type: 'fix' },
  ],
  unknown: [
    { action: 'Review the top error signatures of {service} listed in the timeline.', rationale: 'No known failure pattern matched.', type: 'investigate' },
    {
      action: 'Widen or shift the time window and re-run the analysis if the result looks unrelated.',
      rationale: 'The evidence may lie outside the window.',
      type: 'investigate',
    },
  ],
};
