/* Real: AES-256-GCM through node:crypto. */
import { SecretBox } from './secret-box';

const A = Buffer.alloc(32, 1);
const B = Buffer.alloc(32, 2);

describe('SecretBox during a key rotation', () => {
  it('opens values sealed with the previous key, seals with the current one, and tells which key a value is on', () => {
    const old = new SecretBox(A).seal('tok_123');
    const box = new SecretBox(B, A);
    expect(box.open(old)).toBe('tok_123');
    expect(box.isCurrent(old)).toBe(false);
    const fresh = box.seal('tok_456');
    expect(box.isCurrent(fresh)).toBe(true);
    expect(() => new SecretBox(A).open(fresh)).toThrow();
  });

  it('without a previous key refuses values sealed with another key, and refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(B).open(new SecretBox(A).seal('x'))).toThrow();
    expect(() => new SecretBox(B).open('v2:a:b:c')).toThrow(/malformed/);
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox(B, Buffer.alloc(31))).toThrow(/previous key must be 32 bytes/);
  });
});

describe('SecretBox bytes (screenshots) during a key rotation', () => {
  it('opens bytes sealed with the previous key, tells which key they are on, rejects other keys and tampering', () => {
    const plain = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2000, 0xab)]);
    const old = new SecretBox(A).sealBytes(plain);
    expect(old.includes(plain.subarray(0, 8))).toBe(false);
    const box = new SecretBox(B, A);
    expect(box.openBytes(old).equals(plain)).toBe(true);
    expect(box.isCurrentBytes(old)).toBe(false);
    const fresh = box.sealBytes(plain);
    expect(box.isCurrentBytes(fresh)).toBe(true);
    expect(() => new SecretBox(A).openBytes(fresh)).toThrow();
    const tampered = Buffer.from(fresh);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.openBytes(tampered)).toThrow();
    expect(() => box.openBytes(Buffer.from('short'))).toThrow(/malformed/);
  });
});
