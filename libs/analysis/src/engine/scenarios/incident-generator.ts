/**
 * Seeded generator of incident scenarios for the analysis engine: background traffic from several
 * services (info lines, steady unrelated warnings, rare errors, present in the baseline and the
 * window at the same rates) plus one incident whose origin service and category are known.
 * Service names, wording, rates and timings all vary with the seed.
 */
import type { LogEntry, LogLevel, RootCauseCategory, ServiceDefinition } from '@app/contracts';

export const SCENARIO_KINDS = [
  'db_pool_exhaustion',
  'upstream_timeout_chain',
  'bad_deploy_null_reference',
  'auth_provider_outage',
  'rate_limiting',
  'disk_full',
  'memory_exhaustion',
  'configuration_error',
  'dns_failure',
  'certificate_expiry',
] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export interface Scenario {
  kind: ScenarioKind;
  seed: number;
  entries: LogEntry[];
  baseline: LogEntry[];
  window: { start: string; end: string };
  services: ServiceDefinition[];
  expected: { origin: string; category: RootCauseCategory };
}

export interface ScenarioOptions {
  /** Approximate background lines per window (default 3000). */
  backgroundLines?: number;
  /** Approximate background lines in the baseline window (default: backgroundLines). */
  baselineLines?: number;
  /** Window length in minutes (default 30). */
  windowMinutes?: number;
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const hex = (r: Rand, n: number) => {
  let s = '';
  while (s.length < n)
    s += Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
};
const uuid = (r: Rand) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;

const FRONT = ['api-gateway', 'edge-proxy', 'web-bff', 'public-api'];
const MID = ['checkout-api', 'orders-service', 'cart-service', 'booking-api', 'subscriptions-api'];
const DEEP = ['payments-api', 'inventory-service', 'pricing-service', 'ledger-service', 'catalog-service'];
const AUTH = ['auth-service', 'identity-api', 'session-service'];
const WORKERS = ['report-worker', 'export-worker', 'media-processor', 'billing-worker', 'invoice-renderer'];
const NOISE = [
  'search-service',
  'notification-service',
  'recommendation-api',
  'email-sender',
  'cache-warmer',
  'analytics-collector',
  'feature-flags',
  'user-profile',
];
const PATHS = ['/api/v1/items', '/api/v1/orders', '/api/v2/cart', '/api/v1/users/me', '/api/v1/search', '/health'];

type Msg = (r: Rand) => string;

/** Background message makers: info, steady warnings and rare errors. */
const NOISE_INFO: Msg[] = [
  (r) => `GET ${pick(r, PATHS)}/${int(r, 1, 99999)} 200 ${int(r, 2, 180)}ms`,
  (r) => `request ${uuid(r)} completed in ${int(r, 3, 400)}ms`,
  (r) => `cache hit for key user:${int(r, 1, 500000)}`,
  (r) => `published event order.updated id=${int(r, 1, 1e7)} partition=${int(r, 0, 11)}`,
  (r) => `job ${hex(r, 12)} finished: ${int(r, 1, 500)} items processed`,
  (r) => `session ${hex(r, 16)} refreshed for user ${int(r, 1, 90000)}`,
  (r) => `health check ok (${int(r, 1, 20)}ms)`,
];
const NOISE_WARN: Msg[] = [
  (r) => `slow request GET ${pick(r, PATHS)} took ${int(r, 1000, 4000)}ms`,
  (r) => `cache miss ratio ${int(r, 20, 45)}% above target`,
  (r) => `retrying publish to topic events (attempt ${int(r, 1, 3)}/3)`,
  (r) => `deprecated API version v1 used by client ${hex(r, 8)}`,
  (r) => `timeout calling recommendation-model after ${int(r, 1500, 2500)}ms, serving defaults`,
];
const NOISE_ERROR: Msg[] = [
  (r) => `validation failed for field email: invalid format (request ${uuid(r)})`,
  (r) => `request ${uuid(r)} cancelled by client`,
  (r) => `failed to parse webhook payload from partner ${int(r, 1, 40)}: unexpected token`,
];
const RARE_ERROR: Msg[] = [
  (r) => `unhandled rejection in job cleanup-${int(r, 1, 99)}: lock already held`,
  (r) => `could not flush metrics batch ${int(r, 1, 999)}: buffer closed`,
];

interface Chain {
  origin: string;
  category: RootCauseCategory;
  /** Messages logged by the origin (error level). */
  originMsgs: Msg[];
  /** Optional info line at the start (deploy marker). */
  marker?: Msg;
  /** Callers, nearest first; each logs messages that name the service it calls. */
  callers: Array<{ name: string; msgs: Msg[] }>;
}

function callerMsgs(target: string, style: 'timeout' | 'error' | 'auth'): Msg[] {
  if (style === 'timeout')
    return [
      (r) => `call to ${target} timed out after ${int(r, 5000, 30000)}ms (request ${uuid(r)})`,
      () => `upstream request timeout calling ${target}: 504 Gateway Timeout`,
      (r) => `deadline exceeded waiting for ${target} response (${int(r, 5, 30)}s)`,
    ];
  if (style === 'auth')
    return [(r) => `${target} rejected token for request ${uuid(r)}: 401 Unauthorized`, () => `login failed: ${target} unavailable (status 503)`];
  return [
    (r) => `POST ${pick(r, PATHS)} failed: ${target} responded 500 after ${int(r, 20, 900)}ms`,
    (r) => `upstream ${target} returned 502 Bad Gateway for request ${uuid(r)}`,
    () => `error calling ${target}: HTTP 503 Service Unavailable`,
  ];
}

function buildChain(kind: ScenarioKind, r: Rand): Chain {
  const front = pick(r, FRONT);
  const mid = pick(r, MID);
  const deep = pick(r, DEEP);
  switch (kind) {
    case 'db_pool_exhaustion':
      return {
        origin: deep,
        category: 'database',
        originMsgs: [
          (r) =>
            `Connection pool exhausted: timeout acquiring connection after ${int(r, 5000, 30000)}ms (active=${int(r, 20, 100)}, idle=0, waiting=${int(r, 10, 400)})`,
          (r) =>
            `java.sql.SQLTransientConnectionException: HikariPool-${int(r, 1, 3)} - Connection is not available, request timed out after ${int(r, 5000, 30000)}ms.`,
          (r) => `could not acquire database connection from pool 'primary' within ${int(r, 1000, 5000)}ms`,
          (r) => `sorry, too many clients already: remaining connection slots are reserved (pid ${int(r, 100, 99999)})`,
        ],
        callers: [
          { name: mid, msgs: callerMsgs(deep, 'error') },
          { name: front, msgs: callerMsgs(mid, 'error') },
        ],
      };
    case 'upstream_timeout_chain': {
      const ext = pick(r, ['bank-gateway.example.net', 'api.partner-psp.com', 'shipping-rates.vendor.io']);
      return {
        origin: deep,
        category: 'timeout',
        originMsgs: [
          (r) => `request to https://${ext}/v2/authorize timed out after ${int(r, 8000, 15000)}ms`,
          (r) => `ETIMEDOUT: socket timeout talking to ${ext}:443 after ${int(r, 8, 15)}s`,
          (r) => `provider call exceeded deadline of ${int(r, 5, 10)}s (host ${ext}, attempt ${int(r, 1, 3)})`,
        ],
        callers: [
          { name: mid, msgs: callerMsgs(deep, 'timeout') },
          { name: front, msgs: callerMsgs(mid, 'timeout') },
        ],
      };
    }
    case 'bad_deploy_null_reference':
      return {
        origin: mid,
        category: 'null_reference',
        marker: (r) => `deployed version v2.${int(r, 1, 40)}.${int(r, 0, 9)} (commit ${hex(r, 7)})`,
        originMsgs: [
          (r) =>
            `TypeError: Cannot read properties of undefined (reading '${pick(r, ['price', 'address', 'currency', 'items'])}') at ${pick(r, ['CartService.total', 'OrderMapper.toDto', 'Pricing.apply'])} (/app/dist/main.js:${int(r, 10, 999)}:${int(r, 2, 80)})`,
          (r) => `java.lang.NullPointerException: Cannot invoke "Address.getZip()" because "customer.address" is null (order ${int(r, 1, 1e6)})`,
          (r) => `unhandled error for request ${uuid(r)}: TypeError: Cannot read properties of null (reading 'id')`,
        ],
        callers: [{ name: front, msgs: callerMsgs(mid, 'error') }],
      };
    case 'auth_provider_outage': {
      const auth = pick(r, AUTH);
      const idp = pick(r, ['login.idp-example.com', 'sso.corp-auth.net', 'accounts.oidc-provider.io']);
      return {
        origin: auth,
        category: 'authentication',
        originMsgs: [
          (r) => `failed to validate token: identity provider https://${idp} returned 503 (kid ${hex(r, 8)})`,
          () => `JWKS fetch from https://${idp}/.well-known/jwks.json failed: status 503`,
          (r) => `OIDC token exchange failed for client ${hex(r, 10)}: identity provider unavailable`,
        ],
        callers: [
          { name: front, msgs: callerMsgs(auth, 'auth') },
          { name: mid, msgs: callerMsgs(auth, 'auth') },
        ],
      };
    }
    case 'rate_limiting': {
      const who = pick(r, ['notification-dispatcher', 'sms-gateway', 'geo-lookup', 'tax-service']);
      const prov = pick(r, ['twilio', 'sendgrid', 'stripe', 'maps-api']);
      return {
        origin: who,
        category: 'rate_limiting',
        originMsgs: [
          (r) => `${prov} API responded 429 Too Many Requests, retry after ${int(r, 5, 60)}s`,
          (r) => `rate limit exceeded for provider ${prov} (limit ${pick(r, [50, 100, 200])}/s, request ${uuid(r)})`,
          (r) => `request throttled by ${prov}: quota exceeded for key ${hex(r, 6)}`,
        ],
        callers: [{ name: mid, msgs: callerMsgs(who, 'error') }],
      };
    }
    case 'disk_full': {
      const w = pick(r, WORKERS);
      return {
        origin: w,
        category: 'disk',
        originMsgs: [
          (r) => `ENOSPC: no space left on device, write '/var/data/exports/${hex(r, 10)}.csv'`,
          (r) => `failed to write segment ${int(r, 1, 99999)}: No space left on device`,
          (r) => `could not rotate log file /var/log/${w}/app.log: disk full (${int(r, 98, 100)}% used)`,
        ],
        callers: [{ name: pick(r, MID), msgs: [(r) => `export job ${hex(r, 8)} failed: ${w} returned 500`] }],
      };
    }
    case 'memory_exhaustion': {
      const s = pick(r, [...DEEP, 'search-indexer', 'image-resizer']);
      return {
        origin: s,
        category: 'memory',
        originMsgs: [
          () => 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
          (r) => `java.lang.OutOfMemoryError: Java heap space (thread worker-${int(r, 1, 64)})`,
          (r) => `container ${s}-${hex(r, 5)} killed: OOMKilled (memory limit ${pick(r, ['512Mi', '1Gi', '2Gi'])})`,
        ],
        callers: [
          { name: front, msgs: [(r) => `upstream ${s} connection reset by peer (request ${uuid(r)})`, () => `${s} responded 502 Bad Gateway after restart`] },
        ],
      };
    }
    case 'configuration_error': {
      const key = pick(r, ['PAYMENT_PROVIDER_URL', 'FEATURE_STORE_ENDPOINT', 'SMTP_HOST', 'QUEUE_NAME']);
      return {
        origin: mid,
        category: 'configuration',
        marker: (r) => `configuration reloaded from config/${pick(r, ['app', 'prod', 'runtime'])}.yaml`,
        originMsgs: [
          () => `Missing required environment variable ${key}; refusing to process request`,
          (r) => `invalid configuration: unknown option '${pick(r, ['max_retires', 'timout_ms', 'poolsize'])}' in config/app.yaml`,
          () => `setting ${key} is not set, cannot initialise client`,
        ],
        callers: [{ name: front, msgs: callerMsgs(mid, 'error') }],
      };
    }
    case 'dns_failure': {
      const host = `${pick(r, ['orders-db', 'cache', 'queue', 'search'])}.${pick(r, ['internal', 'svc.cluster.local', 'prod.lan'])}`;
      return {
        origin: deep,
        category: 'network',
        originMsgs: [
          (r) => `getaddrinfo ENOTFOUND ${host} (attempt ${int(r, 1, 5)})`,
          () => `could not resolve host ${host}: Name or service not known`,
          (r) => `DNS lookup for ${host} failed: SERVFAIL after ${int(r, 1, 5)} retries`,
        ],
        callers: [
          { name: mid, msgs: callerMsgs(deep, 'error') },
          { name: front, msgs: callerMsgs(mid, 'error') },
        ],
      };
    }
    case 'certificate_expiry': {
      const peer = pick(r, ['api.partner.example.com', 'ledger.bank-api.net', 'mq.internal.example.org']);
      return {
        origin: deep,
        category: 'network',
        originMsgs: [
          (r) =>
            `x509: certificate has expired or is not yet valid: current time 2024-0${int(r, 1, 9)}-1${int(r, 0, 9)}T0${int(r, 0, 9)}:00:00Z is after 2024-01-01T00:00:00Z`,
          () => `TLS handshake with ${peer}:443 failed: CERT_HAS_EXPIRED`,
          () => `SSL error: certificate expired for ${peer}`,
        ],
        callers: [{ name: front, msgs: callerMsgs(deep, 'error') }],
      };
    }
  }
}

function levelLine(ts: number, service: string, level: LogLevel, message: string): LogEntry {
  const timestamp = new Date(ts).toISOString();
  return { timestamp, level, service, message, raw: `${timestamp} ${level.toUpperCase()} [${service}] ${message}` };
}

interface Habits {
  weight: number;
  warns: Msg[];
  errs: Msg[];
}

/** Each service has its own volume and steady warning and error habits, the same in both windows. */
function habitsOf(r: Rand, services: string[]): Habits[] {
  return services.map(() => ({ weight: 0.5 + r(), warns: [pick(r, NOISE_WARN), pick(r, NOISE_WARN)], errs: [pick(r, NOISE_ERROR)] }));
}

function background(r: Rand, services: string[], habits: Habits[], start: number, end: number, lines: number, out: LogEntry[]): void {
  const span = end - start;
  const totalW = habits.reduce((a, h) => a + h.weight, 0);
  for (let s = 0; s < services.length; s++) {
    const n = Math.round((lines * habits[s].weight) / totalW);
    const svc = services[s];
    const { warns, errs } = habits[s];
    for (let i = 0; i < n; i++) {
      const ts = start + Math.floor(r() * span);
      const x = r();
      if (x < 0.06) out.push(levelLine(ts, svc, 'warn', pick(r, warns)(r)));
      else if (x < 0.075) out.push(levelLine(ts, svc, 'error', pick(r, errs)(r)));
      else out.push(levelLine(ts, svc, 'info', pick(r, NOISE_INFO)(r)));
    }
  }
}

export function generateScenario(kind: ScenarioKind, seed: number, options: ScenarioOptions = {}): Scenario {
  const r = rng(seed * 7919 + SCENARIO_KINDS.indexOf(kind) + 1);
  const bgLines = options.backgroundLines ?? 3000;
  const minutes = options.windowMinutes ?? 30;
  const end = Date.UTC(2024, int(r, 0, 11), int(r, 1, 28), int(r, 0, 23), int(r, 0, 59), 0);
  const start = end - minutes * 60_000;
  const bStart = start - minutes * 60_000;
  const chain = buildChain(kind, r);
  const involved = new Set([chain.origin, ...chain.callers.map((c) => c.name)]);
  const noise = NOISE.filter((n) => !involved.has(n));
  // The incident services also log normal traffic; a few unrelated services add noise.
  const bgServices = [...involved, ...noise.sort(() => r() - 0.5).slice(0, int(r, 3, 5))];

  const baseline: LogEntry[] = [];
  const entries: LogEntry[] = [];
  const habits = habitsOf(r, bgServices);
  background(r, bgServices, habits, bStart, start, options.baselineLines ?? bgLines, baseline);
  background(r, bgServices, habits, start, end, bgLines, entries);
  // A red herring: a rare error in a noise service, only in the window.
  const herring = pick(
    r,
    bgServices.filter((s) => !involved.has(s)),
  );
  for (let i = int(r, 1, 3); i > 0; i--) entries.push(levelLine(start + Math.floor(r() * (end - start)), herring, 'error', pick(r, RARE_ERROR)(r)));

  // The incident: origin starts at t0, each caller a little later.
  const t0 = start + Math.floor((0.15 + 0.45 * r()) * (end - start));
  if (chain.marker) entries.push(levelLine(t0 - int(r, 20, 120) * 1000, chain.origin, 'info', chain.marker(r)));
  const originCount = int(r, 40, 250);
  const originMsgs = chain.originMsgs.filter(() => r() < 0.75);
  if (originMsgs.length === 0) originMsgs.push(chain.originMsgs[0]);
  for (let i = 0; i < originCount; i++) entries.push(levelLine(t0 + Math.floor(r() * (end - t0)), chain.origin, 'error', pick(r, originMsgs)(r)));
  let delay = 0;
  for (const c of chain.callers) {
    delay += int(r, 5, 90) * 1000;
    const n = Math.round(originCount * (0.5 + r()));
    for (let i = 0; i < n; i++) {
      const ts = Math.min(end - 1, t0 + delay + Math.floor(r() * (end - t0 - delay)));
      entries.push(levelLine(ts, c.name, r() < 0.85 ? 'error' : 'warn', pick(r, c.msgs)(r)));
    }
  }
  const byTime = (a: LogEntry, b: LogEntry) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0);
  baseline.sort(byTime);
  entries.sort(byTime);
  const services: ServiceDefinition[] = bgServices.map((name) => ({ name, critical: FRONT.includes(name) || AUTH.includes(name) }));
  return {
    kind,
    seed,
    entries,
    baseline,
    window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    services,
    expected: { origin: chain.origin, category: chain.category },
  };
}

/** Endless background-like messages for throughput measurements (deterministic). */
export function generateMessages(n: number, seed: number): string[] {
  const r = rng(seed);
  const all = [...NOISE_INFO, ...NOISE_WARN, ...NOISE_ERROR, ...RARE_ERROR];
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = pick(r, all)(r);
  return out;
}
