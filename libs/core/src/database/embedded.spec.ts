import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort, socketDirFor } from './embedded';

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
});
