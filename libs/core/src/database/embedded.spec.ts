import { socketDirFor } from './embedded';

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
