import fc from 'fast-check';
import { mineAll } from './mine-all';
import { mergeToken, SignatureMiner } from './signature-miner';

describe('SignatureMiner', () => {
  it('groups messages that differ only in variables and builds a <*> template', () => {
    const m = new SignatureMiner();
    const a = m.add('Failed password for root from 10.0.0.1 port 22 ssh2');
    const b = m.add('Failed password for admin from 10.0.0.2 port 2222 ssh2');
    expect(b.clusterId).toBe(a.clusterId);
    expect(b.template).toBe('Failed password for <*> from <*> port <*> ssh2');
    expect(m.template(a.clusterId)).toBe(b.template);
  });

  it('keeps different events apart', () => {
    const m = new SignatureMiner();
    const a = m.add('Connection closed by 10.0.0.1 [preauth]');
    const b = m.add('Received disconnect from 10.0.0.1: 11: Bye Bye [preauth]');
    const c = m.add('Disk quota exceeded on /dev/sda1');
    expect(new Set([a.clusterId, b.clusterId, c.clusterId]).size).toBe(3);
  });

  it('merges only the differing pieces of tokens with the same punctuation skeleton', () => {
    expect(mergeToken('user=root', 'user=admin')).toBe('user=<*>');
    expect(mergeToken('abc', 'def')).toBe('<*>');
    expect(mergeToken('a:b', 'a,b')).toBe('<*>');
  });

  it('merges tokens of different shapes by their common punctuated ends', () => {
    expect(mergeToken('()', '(host.example.com)')).toBe('(<*>)');
    expect(mergeToken('rhost=', 'rhost=<*>')).toBe('rhost=<*>');
    expect(mergeToken('(<*>)', '(dsl-static-<*>.example.net)')).toBe('(<*>)');
    expect(mergeToken('started', 'stopped')).toBe('<*>');
  });

  it('prints templates with single spaces and keeps booleans and key=value values variable', () => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`Failed to renew lease for ${i} seconds.  Will retry`);
    for (let i = 0; i < 12; i++) lines.push(`cancelPeek: ${i % 2 ? 'true' : 'false'}`);
    for (let i = 0; i < 12; i++) lines.push(`login ok user=${['root', 'guest'][i % 2]}`);
    const out = mineAll(lines);
    expect(out[0].template).toBe('Failed to renew lease for <*> seconds. Will retry');
    expect(new Set(out.slice(12, 24).map((o) => o.template))).toEqual(new Set(['cancelPeek: <*>']));
    expect(new Set(out.slice(24).map((o) => o.clusterId)).size).toBe(1);
    expect(out[24].template).toBe('login ok user=<*>');
  });

  it('in two passes, splits a variable position that only takes a few words and keeps many-valued ones variable', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) lines.push(`VM ${i % 2 ? 'Started' : 'Stopped'} (Lifecycle Event)`);
    const users = ['root', 'admin', 'oracle', 'test', 'guest', 'ubuntu', 'pi', 'git', 'deploy', 'www'];
    for (let i = 0; i < 20; i++) lines.push(`Invalid user ${users[i % users.length]} from 10.0.0.${i}`);
    const out = mineAll(lines);
    expect(out[0].clusterId).not.toBe(out[1].clusterId);
    expect(out[0].clusterId).toBe(out[2].clusterId);
    expect(out[1].template).toBe('VM Started (Lifecycle Event)');
    expect(new Set(out.slice(20).map((o) => o.clusterId)).size).toBe(1);
    expect(out[20].template).toBe('Invalid user <*> from <*>');
  });

  it('reports the final template of a cluster for every line', () => {
    const out = mineAll(['job 1 done by alpha', 'job 2 done by beta', 'job 3 done by gamma', 'job 4 done by delta', 'job 5 done by eps', 'job 6 done by zeta']);
    expect(new Set(out.map((o) => o.template))).toEqual(new Set(['job <*> done by <*>']));
  });

  it('is deterministic', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `event ${i % 7 === 0 ? 'alpha' : 'beta'} id=${i} took ${i}ms on host-${i % 5}`);
    expect(mineAll(lines)).toEqual(mineAll(lines));
  });

  it('bounds memory: never holds more clusters than configured', () => {
    const m = new SignatureMiner({ maxClusters: 50, maxClustersPerGroup: 10 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    for (let i = 0; i < 2000; i++) {
      const w = (k: number) => words[(i * (k + 3) + k) % words.length] + String.fromCharCode(97 + ((i >> k) % 26));
      m.add(`${w(0)} ${w(1)} ${w(2)} ${w(3)} ${w(4)}`);
    }
    expect(m.clusterCount).toBeLessThanOrEqual(50);
    expect(m.lines).toBe(2000);
  });

  it('gives empty messages their own cluster with an empty template', () => {
    const m = new SignatureMiner();
    const a = m.add('');
    const b = m.add('   ');
    expect(a.clusterId).toBe(b.clusterId);
    expect(a.template).toBe('');
  });

  it('treats a varying number of values as one event (variable-length runs, quantities with their conversions)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(`purge ask node-${i} to delete ${Array.from({ length: 1 + (i % 4) }, (_, k) => `blk_${i}${k}`).join(' ')}`);
    for (let i = 0; i < 6; i++)
      lines.push(i % 2 ? `stream closed, ${100 + i} bytes sent, lifetime ${i}:0${i}` : `stream closed, ${100 + i} bytes (${i}.5 KB) sent, lifetime <${i} sec`);
    const out = mineAll(lines);
    expect(new Set(out.slice(0, 6).map((o) => o.clusterId)).size).toBe(1);
    expect(out[0].template).toBe('purge ask node-<*> to delete <*>');
    expect(new Set(out.slice(6).map((o) => o.clusterId)).size).toBe(1);
    expect(out[6].template).toBe('stream closed, <*> bytes sent, lifetime <*>');
  });

  it('keeps names after user-like keywords and units after numbers variable, even with few values', () => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`session closed for user ${['root', 'news', 'cyrus'][i % 3]}`);
    for (let i = 0; i < 12; i++) lines.push(`cache stored (size ${i}.5 ${['KB', 'B', 'MB'][i % 3]}, free ${i} KB)`);
    const out = mineAll(lines);
    expect(new Set(out.slice(0, 12).map((o) => o.clusterId)).size).toBe(1);
    expect(new Set(out.slice(12).map((o) => o.clusterId)).size).toBe(1);
  });

  it('masks an IPv6 address as one value', () => {
    const out = mineAll(['addr fe80::1c3f:22ff:fe01:ab12 up', 'addr 2001:db8:0:0:0:0:2:1 up', 'addr ::ffff:10.0.0.1 up']);
    expect(new Set(out.map((o) => o.clusterId)).size).toBe(1);
    expect(out[0].template).toBe('addr <*> up');
  });
  it("absorbs quantities' conversions over token ids exactly as the string rules do", () => {
    // resolve() of an unknown cluster renders the line through the string rules; add() mines it through token ids.
    const piece = fc.constantFrom(
      '12',
      '1.5',
      '(3',
      '(3)',
      '(3),',
      '(4.5',
      'KB',
      'KB)',
      'KB),',
      'MB)',
      'ms',
      '(20ms)',
      '(20ms),',
      's',
      's)',
      'bytes',
      'sent,',
      '(x)',
      '(',
      ')',
      '<*>',
      'to',
      '(1/2)',
      'done.',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), (words) => {
        const line = words.join(' ');
        const m = new SignatureMiner();
        expect(m.add(line).template).toBe(m.resolve(line, -1).template);
      }),
      { numRuns: 500 },
    );
    expect(new SignatureMiner().add('got 1234 bytes (1.2 KB) and 5 s (5000ms), done').template).toBe('got <*> bytes and <*> s, done');
  });
});
