import { GroupCommitter } from './ingest.service';

describe('GroupCommitter (webhook group commit)', () => {
  it('commits at once when idle, groups what arrives while commits run, and keeps each caller its own result', async () => {
    const groups: number[][] = [];
    const gates: Array<() => void> = [];
    const c = new GroupCommitter<number, string>(
      async (items) => {
        groups.push(items);
        await new Promise<void>((r) => gates.push(r));
        return items.map((i) => `id-${i}`);
      },
      2,
      3,
    );
    const all = [1, 2, 3, 4, 5, 6, 7].map((i) => c.submit(i));
    await Promise.resolve();
    // Two commits running at once (1 and 2), the rest waits.
    expect(groups).toEqual([[1], [2]]);
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
    // The next group takes up to `max` waiting items.
    expect(groups).toEqual([[1], [2], [3, 4, 5]]);
    while (groups.length < 4 || gates.length) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(groups).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    expect(await Promise.all(all)).toEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6', 'id-7']);
  });

  it('rejects only the items whose result is an error, and the whole group when the commit fails', async () => {
    let fail = false;
    const c = new GroupCommitter<number, string | null>(
      async (items) => {
        if (fail) throw new Error('database unavailable');
        return items.map((i) => (i === 2 ? new Error('bad row') : i === 3 ? null : `id-${i}`));
      },
      1,
      10,
    );
    const r = await Promise.allSettled([c.submit(1), c.submit(2), c.submit(3)]);
    expect(r.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual(['id-1', 'bad row', null]);
    fail = true;
    await expect(c.submit(4)).rejects.toThrow('database unavailable');
  });
});
