import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEYLEN, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: string;
  hash: Buffer;
}

function parse(stored: string): ParsedHash | null {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return null;
  return { n: Number(n), r: Number(r), p: Number(p), salt, hash: Buffer.from(hash, 'base64') };
}

/**
 * scrypt (N=32768, r=8, p=1) with a 16-byte salt: `scrypt$N$r$p$salt$hash`.
 * `reuseSaltOf`: an existing hash for the same email (another tenant's account), whose salt this one shares, so a
 * login checks every account of that email with one scrypt run (see matchPassword). A fresh random salt otherwise.
 */
export async function hashPassword(password: string, reuseSaltOf?: string | null): Promise<string> {
  const prior = reuseSaltOf ? parse(reuseSaltOf) : null;
  const salt = prior && prior.n === N && prior.r === R && prior.p === P ? Buffer.from(prior.salt, 'base64') : randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * The index of the first stored hash the password matches, or -1. Hashes sharing salt and parameters cost one scrypt
 * run together, so an email used by several tenants costs what a single account costs (no timing tells them apart).
 */
export async function matchPassword(password: string, stored: string[]): Promise<number> {
  const derived = new Map<string, Promise<Buffer>>();
  let found = -1;
  for (let i = 0; i < stored.length; i++) {
    const h = parse(stored[i]);
    if (!h) continue;
    const id = `${h.n}$${h.r}$${h.p}$${h.salt}`;
    if (!derived.has(id)) derived.set(id, scrypt(password, Buffer.from(h.salt, 'base64'), h.n, h.r, h.p));
    const key = await derived.get(id)!;
    // Compare every candidate (no early exit) so the comparison work does not depend on which one matched.
    if (h.hash.length === key.length && timingSafeEqual(h.hash, key) && found === -1) found = i;
  }
  return found;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return (await matchPassword(password, [stored])) === 0;
}

/** A hash to verify against when the user does not exist, so timing does not reveal which emails exist. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
