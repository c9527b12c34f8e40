import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, isFetchBlockedPort, socketDirFor } from './embedded';

describe('the embedded database socket folder', () => {
  it('is the data folder when the socket path fits and the name is plain', () => {
    expect(socketDirFor('/tmp/ss-test-pg-abc/pg', 54321)).toBe('/tmp/ss-test-pg-abc/pg');
  });

  it('is none (TCP) when the socket path would not fit in sun_path', () => {
    expect(socketDirFor(`/tmp/${'d'.repeat(90)}/pg`, 54321)).toBeNull();
  });

  it('is none (TCP) for a folder name PostgreSQL would read as a list or that needs quoting', () => {
    expect(socketDirFor('/tmp/a,b/pg', 5432)).toBeNull();
    expect(socketDirFor('/tmp/with space/pg', 5432)).toBeNull();
  });
});

describe('freePort', () => {
  it('answers a port one can listen on, below the kernel ephemeral range where Linux says what it is', async () => {
    const port = await freePort();
    let low = 0;
    try {
      low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    } catch {
      /* not Linux: any free port will do */
    }
    if (low > 12_000) expect(port).toBeLessThan(low);
    expect(port).toBeGreaterThanOrEqual(1024);
    const s = createServer();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, () => resolve());
    });
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('never answers a port that fetch refuses ("bad port"), even when chance lands on one', async () => {
    let low = 0;
    try {
      low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    } catch {
      /* not Linux */
    }
    if (low <= 12_000) return; // the OS picks from its ephemeral range, which holds no blocked port
    // the first draw lands exactly on 10080 (blocked by the Fetch standard), later draws anywhere
    const first = (10_080 - 10_000 + 0.5) / (low - 10_000);
    const spy = jest.spyOn(Math, 'random').mockReturnValueOnce(first);
    try {
      const port = await freePort();
      expect(spy).toHaveBeenCalledTimes(2);
      expect(port).not.toBe(10_080);
      expect(isFetchBlockedPort(port)).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('knows the blocked ports of the Fetch standard', () => {
    expect(isFetchBlockedPort(10_080)).toBe(true);
    expect(isFetchBlockedPort(6_000)).toBe(true);
    expect(isFetchBlockedPort(10_081)).toBe(false);
  });
});
