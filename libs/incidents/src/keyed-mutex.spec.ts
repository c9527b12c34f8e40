import { KeyedMutex } from './keyed-mutex';

describe('KeyedMutex', () => {
  it('runs one at a time per key, in arrival order, and keys independently', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    let most = 0;
    const task = (key: string, n: number) =>
      m.run(key, async () => {
        inside++;
        most = Math.max(most, inside);
        log.push(`${key}${n}`);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
        return n;
      });
    const results = await Promise.all([task('a', 1), task('a', 2), task('a', 3)]);
    expect(results).toEqual([1, 2, 3]);
    expect(log).toEqual(['a1', 'a2', 'a3']);
    expect(most).toBe(1);
    // Another key does not wait for the first.
    inside = 0;
    most = 0;
    await Promise.all([task('a', 4), task('b', 1)]);
    expect(most).toBe(2);
    expect(m.size).toBe(0);
  });

  it('releases the key when the work fails', async () => {
    const m = new KeyedMutex();
    await expect(m.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(m.run('k', async () => 'next')).resolves.toBe('next');
    expect(m.size).toBe(0);
  });
});
