export default async function globalTeardown() {
  const db = (globalThis as any).__SS_PG__;
  if (db) await db.stop();
}
