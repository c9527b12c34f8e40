/**
 * Standalone entry: `npx node scripts/run-ts.cjs apps/intercom-sandbox/src/main.ts`.
 * This file is the sandbox's config module: it is the only place that reads the environment.
 * Prints `Intercom sandbox listening on <url>` to stdout once ready.
 */
import { startSandbox } from './sandbox';

async function main(): Promise<void> {
  const env = process.env;
  const secret = env.SANDBOX_CLIENT_SECRET;
  if (!secret) {
    process.stderr.write('SANDBOX_CLIENT_SECRET is required\n');
    process.exit(1);
  }
  const port = Number(env.SANDBOX_PORT ?? 3100);
  const list = (v: string | undefined) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const sandbox = await startSandbox({
    port,
    host: env.SANDBOX_HOST ?? '127.0.0.1',
    clientId: env.SANDBOX_CLIENT_ID ?? 'sandbox',
    clientSecret: secret,
    redirectUris: list(env.SANDBOX_REDIRECT_URI) ?? ['http://localhost:3000/oauth/intercom/callback'],
    webhookUrl: env.SANDBOX_WEBHOOK_URL || undefined,
    webhookTopics: list(env.SANDBOX_WEBHOOK_TOPICS),
    uninstallUrl: env.SANDBOX_UNINSTALL_URL || undefined,
    canvasInitializeUrl: env.SANDBOX_CANVAS_INITIALIZE_URL || undefined,
    canvasSubmitUrl: env.SANDBOX_CANVAS_SUBMIT_URL || undefined,
    apiVersion: env.SANDBOX_API_VERSION || undefined,
    retryDelayMs: env.SANDBOX_RETRY_DELAY_MS ? Number(env.SANDBOX_RETRY_DELAY_MS) : undefined,
    autoApprove: /^(1|true|yes)$/i.test(env.SANDBOX_AUTO_APPROVE ?? ''),
    logger: {
      info: (...a) => process.stderr.write(`[intercom-sandbox] ${a.map(String).join(' ')}\n`),
      warn: (...a) => process.stderr.write(`[intercom-sandbox] WARN ${a.map(String).join(' ')}\n`),
      error: (...a) => process.stderr.write(`[intercom-sandbox] ERROR ${a.map(String).join(' ')}\n`),
    },
  });
  process.stdout.write(`Intercom sandbox listening on ${sandbox.url}\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`intercom sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
