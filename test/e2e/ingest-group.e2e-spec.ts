/*
 * Ingest group commit (issue 16, "Ingest"): the events of one group are written by one statement that inserts the rows
 * and claims the customer content (units) they bring, then the jobs that bring them (up to 50 events a job), in one
 * transaction. What one group must keep:
 * a notification id twice → one row, one job, the second request told "duplicate"; two events bringing the same unit
 * → the first owns it, the other is only recorded (no job); units handled before (reconciliation first) → only
 * recorded; a record-only event → a row, no job, no unit. Nothing is lost: every event that owns content has its job.
 * Real: our app (ROLE=api, so jobs stay queued and can be counted), PostgreSQL (embedded). Stand-in: the Intercom
 * sandbox (install only).
 */
import { Client } from 'pg';
import { IngestService, type BindingEntity, type NormalizedEvent } from '@app/support-desk';
import { installThroughConsent, IntercomStack, startIntercomStack } from '../helpers/intercom';

const WS = 'sbx12345';

describe('ingest: one group, one statement for rows and units', () => {
  let s: IntercomStack;
  let db: Client;
  let binding: BindingEntity;
  let ingest: IngestService;

  const event = (notificationId: string, conversationId: string, units: string[], action: NormalizedEvent['action'] = 'triage'): NormalizedEvent => ({
    notificationId,
    topic: 'conversation.user.created',
    workspaceId: WS,
    kind: 'conversation',
    event: 'conversation.created',
    action,
    conversationId,
    createdAt: new Date(),
    units,
  });
  const record = (ev: NormalizedEvent) => ingest.recordReconciled('intercom', binding, { id: ev.notificationId, test: true }, ev);
  /**
   * Commits running (the committer runs one at a time; two fillers keep this true if it ever runs more) make everything
   * submitted next wait and leave as ONE group.
   */
  const oneGroup = async <T>(fn: () => Promise<T>[]): Promise<T[]> => {
    const fillers = [record(event(`filler-${Math.random()}`, 'f1', [])), record(event(`filler-${Math.random()}`, 'f2', []))];
    const results = await Promise.all(fn());
    await Promise.all(fillers);
    return results;
  };
  const row = async (notificationId: string) =>
    (await db.query('SELECT id, action, status FROM support_desk_events WHERE "notificationId" = $1', [notificationId])).rows as Array<{
      id: string;
      action: string;
      status: string;
    }>;
  /** Jobs that bring this event (a job brings the acting events of its group: `eventIds`). */
  const jobsFor = async (eventId: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'support-desk.event' AND data->'eventIds' ? $1`, [eventId])).rows[0].n);

  beforeAll(async () => {
    s = await startIntercomStack({ ROLE: 'api' });
    const r = await installThroughConsent(s);
    if (r.callback.status !== 302) throw new Error(`install failed: ${r.body}`);
    db = new Client({ connectionString: s.app.dbUrl });
    await db.connect();
    const bindingId = r.callback.headers.get('location')!.split('/').pop()!;
    binding = (await db.query('SELECT * FROM support_desk_bindings WHERE id = $1', [bindingId])).rows[0] as BindingEntity;
    ingest = s.app.app.get(IngestService);
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('a notification id twice in one group: one row and one job; the second request gets null (duplicate)', async () => {
    const [a, b] = await oneGroup(() => [record(event('grp-dup', 'c-dup', ['u1'])), record(event('grp-dup', 'c-dup', ['u1']))]);
    expect(a).toEqual(expect.any(String));
    expect(b).toBeNull();
    expect(await row('grp-dup')).toEqual([{ id: a, action: 'triage', status: 'received' }]);
    expect(await jobsFor(a!)).toBe(1);
  });

  it('two events bringing the same unit in one group: the first owns it (job), the other is only recorded', async () => {
    const [a, b] = await oneGroup(() => [record(event('grp-u-1', 'c-shared', ['p1'])), record(event('grp-u-2', 'c-shared', ['p1']))]);
    expect([await row('grp-u-1'), await row('grp-u-2')]).toEqual([
      [{ id: a, action: 'triage', status: 'received' }],
      [{ id: b, action: 'record', status: 'processed' }],
    ]);
    expect([await jobsFor(a!), await jobsFor(b!)]).toEqual([1, 0]);
    // An event that brings one unit handled before and one new unit owns the new one: it acts.
    const [c] = await oneGroup(() => [record(event('grp-u-3', 'c-shared', ['p1', 'p2']))]);
    expect(await row('grp-u-3')).toEqual([{ id: c, action: 'triage', status: 'received' }]);
    expect(await jobsFor(c!)).toBe(1);
  });

  it('units handled before (reconciliation came first): the event is only recorded, with no job', async () => {
    await db.query('INSERT INTO support_desk_handled_units ("bindingId", "conversationId", unit) VALUES ($1, $2, $3)', [binding.id, 'c-before', 'q1']);
    const [a] = await oneGroup(() => [record(event('grp-before', 'c-before', ['q1']))]);
    expect(await row('grp-before')).toEqual([{ id: a, action: 'record', status: 'processed' }]);
    expect(await jobsFor(a!)).toBe(0);
  });

  it('a record-only event beside acting ones: its row, no job and no unit claimed', async () => {
    const [a, b] = await oneGroup(() => [record(event('grp-rec', 'c-mixed', ['r1'], 'record')), record(event('grp-act', 'c-mixed', ['r1']))]);
    expect(await row('grp-rec')).toEqual([{ id: a, action: 'record', status: 'processed' }]);
    // The record-only event claimed nothing: the acting one owns the unit.
    expect(await row('grp-act')).toEqual([{ id: b, action: 'triage', status: 'received' }]);
    expect([await jobsFor(a!), await jobsFor(b!)]).toEqual([0, 1]);
  });

  it('a large group: its acting events share jobs of at most 50, each event in exactly one', async () => {
    const ids = await oneGroup(() => Array.from({ length: 120 }, (_, i) => record(event(`grp-many-${i}`, `c-many-${i}`, [`m${i}`]))));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    const jobs = (await db.query(`SELECT data FROM pgboss.job WHERE name = 'support-desk.event' AND data->'eventIds' ?| $1::text[]`, [ids])).rows.map(
      (r: { data: { eventIds: string[] } }) => r.data.eventIds,
    );
    expect(jobs.every((j) => j.length >= 1 && j.length <= 50)).toBe(true);
    // One group: 3 jobs (the 120 and maybe the second filler: 50 + 50 + the rest).
    expect(jobs).toHaveLength(3);
    const brought = jobs.flat().filter((id) => ids.includes(id));
    expect(brought.sort()).toEqual([...(ids as string[])].sort());
  });
});
