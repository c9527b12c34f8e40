/**
 * NDJSON logs of a shop during outages, for `file` log sources in incident tests and benches: steady background
 * traffic of every service over the last hours, and for each outage a burst of errors in its service (and the
 * service it calls) from `minutesAgo` until now. Deterministic.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Outage {
  /** The service customers see failing. */
  service: string;
  /** The service the errors start in (the root cause). */
  origin: string;
  /** Error messages of the origin, `<n>` replaced by a number. */
  messages: string[];
  minutesAgo: number;
}

const BACKGROUND: Record<string, string[]> = {
  checkout: ['order <n> placed', 'cart <n> updated', 'checkout page rendered in <n> ms'],
  payments: ['charge <n> authorised', 'refund <n> settled', 'card token <n> created'],
  auth: ['user <n> signed in', 'session <n> refreshed', 'password reset mail <n> queued'],
  search: ['query answered in <n> ms', 'index shard <n> healthy'],
  shipping: ['label <n> printed', 'parcel <n> handed to carrier'],
  notifications: ['mail <n> sent', 'push <n> delivered'],
};

export interface OutageLine {
  timestamp: string;
  level: 'info' | 'error';
  service: string;
  message: string;
}

/** The log lines, oldest first. */
export function outageLines(outages: Outage[], now = Date.now(), hours = 6): OutageLine[] {
  return outageLogs(outages, now, hours)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OutageLine);
}

export function outageLogs(outages: Outage[], now = Date.now(), hours = 6): string {
  const lines: Array<{ t: number; line: string }> = [];
  let n = 1000;
  const services = Object.keys(BACKGROUND);
  for (let t = now - hours * 3_600_000; t < now; t += 4_000) {
    const svc = services[((t / 4_000) % services.length) | 0];
    const msg = BACKGROUND[svc][n % BACKGROUND[svc].length].replace('<n>', String(n++));
    lines.push({ t, line: JSON.stringify({ timestamp: new Date(t).toISOString(), level: 'info', service: svc, message: msg }) });
  }
  for (const o of outages) {
    for (let t = now - o.minutesAgo * 60_000, i = 0; t < now; t += 1_500, i++) {
      const msg = o.messages[i % o.messages.length].replace('<n>', String(20_000 + i));
      lines.push({ t, line: JSON.stringify({ timestamp: new Date(t).toISOString(), level: 'error', service: o.origin, message: msg }) });
      if (o.origin !== o.service && i % 2 === 0)
        lines.push({
          t: t + 200,
          line: JSON.stringify({
            timestamp: new Date(t + 200).toISOString(),
            level: 'error',
            service: o.service,
            message: `call to ${o.origin} failed with 502`,
          }),
        });
    }
  }
  return lines
    .sort((a, b) => a.t - b.t)
    .map((l) => l.line)
    .join('\n')
    .concat('\n');
}

/** Writes the logs in the project's folder (`LOG_FILES_DIR/<projectId>/`, all its `file` sources read) and answers the glob to configure (relative to that folder). */
export function writeOutageLogs(logFilesDir: string, projectId: string, outages: Outage[], now = Date.now()): { dir: string; glob: string } {
  const dir = join(logFilesDir, projectId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'shop.ndjson'), outageLogs(outages, now));
  return { dir, glob: '*.ndjson' };
}

/** The services of the shop, with aliases in the languages the tests and benches write in. */
export const SHOP_SERVICES = [
  {
    name: 'checkout',
    critical: true,
    aliases: ['cart', 'basket', 'place an order', 'panier', 'caisse', 'Warenkorb', 'Kasse', 'carrito', 'carrinho', 'carrello', 'winkelwagen', 'afrekenen'],
  },
  { name: 'payments', critical: true, aliases: ['payment', 'card payment', 'paiement', 'Zahlung', 'pago', 'pagamento', 'betaling'] },
  { name: 'auth', critical: true, aliases: ['login', 'log in', 'sign in', 'connexion', 'anmelden', 'Anmeldung', 'iniciar sesión', 'accesso', 'inloggen'] },
  { name: 'search', aliases: ['recherche', 'Suche', 'búsqueda', 'pesquisa', 'ricerca', 'zoeken'] },
  { name: 'shipping', aliases: ['delivery', 'tracking', 'livraison', 'Lieferung', 'envío', 'entrega', 'spedizione', 'bezorging'] },
  { name: 'notifications', aliases: ['emails', 'email notifications', 'notifications', 'Benachrichtigungen', 'notificaciones'] },
];
