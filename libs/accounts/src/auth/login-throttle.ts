import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppError, metricsRegistry, RateCounters, sha256Hex } from '@app/core';
import type { AppConfig } from '@app/core';

const WINDOW_MS = 60_000;
/** How long an address that logged in to an account keeps its place at the front of the hashing queue. */
const KNOWN_DAYS = 30;

const refusals = new Counter({
  name: 'sigsentry_login_refused_total',
  help: 'Logins refused before any password check, by the limit that refused them',
  labelNames: ['limit'],
  registers: [metricsRegistry],
});

/** An attempt reserved by LoginThrottle.reserve; settle it once the password was checked. */
export interface LoginTicket {
  windowStart: Date;
  addressKey: string;
  accountKey: string;
  keys: { address: string; account: string; accountAddress: string; global: string };
  /** No failed (or concurrent) login from this address in this window: its check goes before others in the hash queue. */
  clean: boolean;
  /** This address logged in to this account in the last 30 days: its check goes first. */
  known: boolean;
}

/**
 * Login limits (issue 19.6), per one-minute window, counted in PostgreSQL so every replica shares them:
 * - per client address: RATE_LIMIT_AUTH failed or in-flight logins (a success gives its attempt back), whatever the
 *   email — one address cannot walk through a list of emails;
 * - per account (the email, existing or not): past RATE_LIMIT_AUTH_ACCOUNT failures the account is under attack, and
 *   only addresses with no failed or in-flight login on it this window get their password checked — so the owner,
 *   elsewhere, still logs in while the addresses guessing get 429;
 * - globally: past RATE_LIMIT_AUTH_GLOBAL failures, an address with any failure this window gets 429.
 * Every refusal happens before the password is hashed. Counting starts before the check (a reservation), so a burst
 * of concurrent attempts is limited too. Addresses that logged in to the account before are remembered 30 days
 * (login_known_addresses): while checks are queued, theirs go first.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('auth');
  private readonly counters: RateCounters;
  private lastKnownSweep = 0;
  private readonly logged = new Map<string, number>();
  /**
   * Attempts in progress in this process, per address. The shared count (failures + attempts in progress, all
   * replicas) is at least this, so more than RATE_LIMIT_AUTH here is refused without asking the database: a burst
   * from one address costs no query past its limit and cannot queue ahead of other logins in the connection pool.
   */
  private readonly inFlight = new Map<string, number>();
  /**
   * Addresses the shared count refused this window, until the window ends: the rest of their burst is refused here
   * without a query. (The shared count can only go down by attempts still in flight succeeding, so this errs by at
   * most those few.)
   */
  private readonly refusedUntil = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.counters = new RateCounters(ds);
  }

  async reserve(addressKey: string, email: string): Promise<LoginTicket> {
    const w = RateCounters.window(WINDOW_MS);
    const { auth, authAccount, authGlobal } = this.config.rateLimits;
    const byAddress = { limit: 'address', max: auth, message: `Too many failed logins from this address (limit ${auth} per minute)` };
    const local = (this.inFlight.get(addressKey) ?? 0) + 1;
    if (local > auth || (this.refusedUntil.get(addressKey) ?? 0) > Date.now()) this.refuse(w, addressKey, byAddress);
    this.inFlight.set(addressKey, local);
    try {
      return await this.reserveShared(w, addressKey, email, auth, authAccount, authGlobal);
    } catch (e) {
      this.release(addressKey);
      if (e instanceof AppError && e.details?.limit === 'address') this.rememberRefused(addressKey, w.start.getTime() + WINDOW_MS);
      throw e;
    }
  }

  private sweepKnown(): void {
    if (Date.now() - this.lastKnownSweep < 3_600_000) return;
    this.lastKnownSweep = Date.now();
    this.ds.query(`DELETE FROM login_known_addresses WHERE "lastSuccessAt" < now() - interval '${KNOWN_DAYS} days'`).catch(() => undefined);
  }

  private rememberRefused(addressKey: string, until: number): void {
    if (this.refusedUntil.size > 10_000) for (const [k, t] of this.refusedUntil) if (t <= Date.now()) this.refusedUntil.delete(k);
    this.refusedUntil.set(addressKey, until);
  }

  private release(addressKey: string): void {
    const n = (this.inFlight.get(addressKey) ?? 1) - 1;
    if (n > 0) this.inFlight.set(addressKey, n);
    else this.inFlight.delete(addressKey);
  }

  private async reserveShared(
    w: { start: Date; resetsInSeconds: number },
    addressKey: string,
    email: string,
    auth: number,
    authAccount: number,
    authGlobal: number,
  ): Promise<LoginTicket> {
    const account = sha256Hex(email).slice(0, 32);
    const keys = {
      address: `login:addr:${addressKey}`,
      account: `login:acct:${account}`,
      accountAddress: `login:acct-addr:${account}:${addressKey}`,
      global: 'login:all',
    };
    const c = await this.counters.add(
      w.start,
      [
        { key: keys.address, delta: 1 },
        { key: keys.accountAddress, delta: 1 },
      ],
      [keys.account, keys.global],
      (param) =>
        `SELECT 'known'::varchar, 1 FROM login_known_addresses WHERE "accountKey" = ${param(account)} AND "addressKey" = ${param(addressKey)}
         AND "lastSuccessAt" > now() - interval '${KNOWN_DAYS} days'`,
    );
    const fromAddress = c.get(keys.address)!;
    const onAccountFromAddress = c.get(keys.accountAddress)!;
    let refused: { limit: string; max: number; message: string } | null = null;
    if (fromAddress > auth) refused = { limit: 'address', max: auth, message: `Too many failed logins from this address (limit ${auth} per minute)` };
    else if (c.get(keys.account)! >= authAccount && onAccountFromAddress > 1)
      refused = { limit: 'account', max: authAccount, message: 'Too many failed logins for this account: retry later or from your usual network' };
    else if (c.get(keys.global)! >= authGlobal && fromAddress > 1)
      refused = { limit: 'global', max: authGlobal, message: 'Too many failed logins on this installation right now: retry shortly' };
    if (refused) this.refuse(w, addressKey, refused);
    return { windowStart: w.start, addressKey, accountKey: account, keys, clean: fromAddress === 1, known: c.get('known') === 1 };
  }

  private refuse(w: { start: Date; resetsInSeconds: number }, addressKey: string, refused: { limit: string; max: number; message: string }): never {
    refusals.inc({ limit: refused.limit });
    // One log line per address, limit and window; the metric counts every refusal.
    const logKey = `${refused.limit}:${addressKey}`;
    const windowEnd = w.start.getTime() + WINDOW_MS;
    if (this.logged.get(logKey) !== windowEnd) {
      if (this.logged.size > 10_000) this.logged.clear();
      this.logged.set(logKey, windowEnd);
      this.logger.warn(
        { event: 'auth.login_throttled', limit: refused.limit, address: addressKey },
        'login refused by a limit (further ones this minute are only counted)',
      );
    }
    throw new AppError(
      'RATE_LIMITED',
      refused.message,
      { retryAfter: w.resetsInSeconds, limit: refused.limit },
      {
        'Retry-After': String(w.resetsInSeconds),
        'X-RateLimit-Limit': String(refused.max),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.ceil(w.start.getTime() / 1000) + WINDOW_MS / 1000),
      },
    );
  }

  /**
   * `ok`: the password matched (the attempt is given back); `failed`: it also counts against the account and
   * globally; `busy`: not checked because the hashing queue was full — it stays counted against the address (a burst
   * from one address uses its own allowance); `aborted`: not checked for another reason (given back).
   */
  async settle(t: LoginTicket, outcome: 'ok' | 'failed' | 'busy' | 'aborted'): Promise<void> {
    this.release(t.addressKey);
    if (outcome === 'busy') return;
    if (outcome === 'ok') {
      await this.ds.query(
        `INSERT INTO login_known_addresses ("accountKey", "addressKey", "lastSuccessAt") VALUES ($1, $2, now())
         ON CONFLICT ("accountKey", "addressKey") DO UPDATE SET "lastSuccessAt" = now()`,
        [t.accountKey, t.addressKey],
      );
      this.sweepKnown();
    }
    const bump =
      outcome === 'failed'
        ? [
            { key: t.keys.account, delta: 1 },
            { key: t.keys.global, delta: 1 },
          ]
        : [
            { key: t.keys.address, delta: -1 },
            { key: t.keys.accountAddress, delta: -1 },
          ];
    await this.counters.add(t.windowStart, bump);
  }
}
