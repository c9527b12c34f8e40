/**
 * Signatures used by Intercom (reference §4.5, §5.7, §1.6):
 * - webhooks: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, raw body)>`
 * - Canvas Kit requests and the uninstall notice: `X-Body-Signature: <hex HMAC-SHA256(client_secret, raw body)>`
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hubSignature(secret: string, body: string | Buffer): string {
  return 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
}

export function bodySignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
