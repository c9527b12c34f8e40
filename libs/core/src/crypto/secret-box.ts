import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * AES-256-GCM secret box: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. Used for OAuth tokens and log-source credentials.
 * Seals with `key`; opens with `key`, then with `previousKey` (ENCRYPTION_KEY_PREVIOUS) while a rotation is under way.
 */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    private readonly previousKey: Buffer | null = null,
  ) {
    if (key.length !== 32) throw new Error('SecretBox key must be 32 bytes');
    if (previousKey && previousKey.length !== 32) throw new Error('SecretBox previous key must be 32 bytes');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return `v1:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${ct.toString('base64')}`;
  }

  open(sealed: string): string {
    if (!this.previousKey) return openWith(this.key, sealed);
    try {
      return openWith(this.key, sealed);
    } catch {
      return openWith(this.previousKey, sealed);
    }
  }

  /** True when `sealed` opens with the current key (already rotated); false when it does not. */
  isCurrent(sealed: string): boolean {
    try {
      openWith(this.key, sealed);
      return true;
    } catch {
      return false;
    }
  }

  /** Binary form for large values (screenshots): `0x01 | iv (12) | tag (16) | ciphertext`. */
  sealBytes(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), ct]);
  }

  openBytes(sealed: Buffer): Buffer {
    if (!this.previousKey) return openBytesWith(this.key, sealed);
    try {
      return openBytesWith(this.key, sealed);
    } catch {
      return openBytesWith(this.previousKey, sealed);
    }
  }

  /** isCurrent for the binary form. */
  isCurrentBytes(sealed: Buffer): boolean {
    try {
      openBytesWith(this.key, sealed);
      return true;
    } catch {
      return false;
    }
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }

  openJson<T>(sealed: string): T {
    return JSON.parse(this.open(sealed)) as T;
  }
}

function openBytesWith(key: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < 29 || sealed[0] !== 1) throw new Error('malformed sealed bytes');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  d.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([d.update(sealed.subarray(29)), d.final()]);
}

function openWith(key: Buffer, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('malformed sealed value');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]).toString('utf8');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

export function hmacHex(alg: 'sha1' | 'sha256', key: string | Buffer, data: string | Buffer): string {
  return createHmac(alg, key).update(data).digest('hex');
}

/** Constant-time comparison of two strings (false on length mismatch, without early exit on content). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
