/* Real: the gate's scheduling with real promises (no timers faked). */
import { AppError } from '@app/core';
import { FairGate } from './hash-gate';

/** A task that finishes when released, recording when it started. */
function controllable(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { task: () => (log.push(name), done.then(() => name)), release: () => release() };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('FairGate', () => {
  it('runs at most `concurrency` tasks at once and starts the next when one finishes', async () => {
    const gate = new FairGate(2, 100, 100);
    const log: string[] = [];
    const t = ['a', 'b', 'c'].map((n) => controllable(log, n));
    const runs = t.map((x, i) => gate.run(`k${i}`, 'low', x.task));
    await tick();
    expect(log).toEqual(['a', 'b']);
    expect(gate.stats).toEqual({ running: 2, waiting: 1 });
    t[0].release();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    t[1].release();
    t[2].release();
    await expect(Promise.all(runs)).resolves.toEqual(['a', 'b', 'c']);
    expect(gate.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('serves waiting keys round-robin, so one busy key does not make another wait behind all of its tasks', async () => {
    const gate = new FairGate(1, 100, 100);
    const order: string[] = [];
    const mk = (n: string) => () => (order.push(n), Promise.resolve());
    // x0 runs at once; x1, x2 then y0 wait. y0 goes before x2 although it arrived after it.
    await Promise.all([gate.run('x', 'low', mk('x0')), gate.run('x', 'low', mk('x1')), gate.run('x', 'low', mk('x2')), gate.run('y', 'low', mk('y0'))]);
    expect(order).toEqual(['x0', 'x1', 'y0', 'x2']);
  });

  it('serves the high class first', async () => {
    const gate = new FairGate(1, 100, 100);
    const order: string[] = [];
    const mk = (n: string) => () => (order.push(n), Promise.resolve());
    await Promise.all([
      gate.run('a', 'low', mk('running')),
      gate.run('a', 'low', mk('low-1')),
      gate.run('b', 'low', mk('low-2')),
      gate.run('c', 'high', mk('high')),
    ]);
    expect(order).toEqual(['running', 'high', 'low-1', 'low-2']);
  });

  it('refuses with RATE_LIMITED past the waiting caps (per key and in total), and frees its slot when a task fails', async () => {
    const gate = new FairGate(1, 3, 2);
    const log: string[] = [];
    const hold = controllable(log, 'hold');
    const running = gate.run('k', 'low', hold.task);
    const queued = [gate.run('k', 'low', async () => 'q1'), gate.run('k', 'low', async () => 'q2')];
    await expect(gate.run('k', 'low', async () => 'q3')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    queued.push(gate.run('j', 'low', async () => 'j1'));
    const full = await gate.run('z', 'high', async () => 'z').catch((e) => e);
    expect(full).toBeInstanceOf(AppError);
    expect(full.headers).toEqual({ 'Retry-After': '1' });
    hold.release();
    await expect(Promise.all([running, ...queued])).resolves.toEqual(['hold', 'q1', 'q2', 'j1']);
    await expect(gate.run('k', 'low', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('k', 'low', async () => 'after')).resolves.toBe('after');
    expect(gate.stats).toEqual({ running: 0, waiting: 0 });
  });
});
