/* Debian's Chromium for browser tests (never downloaded): where it is, how to launch it, and what to do without it. */
import { accessSync, constants } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's chromium; CHROMIUM_PATH, when set, is the only candidate. null when none is installed. */
export function findChromium(): string | null {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export const CHROMIUM = findChromium();
export const BROWSER_REQUIRED = process.env.REQUIRE_BROWSER === '1';
export const NO_BROWSER = `no Chromium found (looked at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium, /usr/bin/chromium-browser'}; install Debian's with \`apt-get install chromium\`)`;

/**
 * Declares `title`'s tests with `body` when Chromium is there; otherwise one failing test (REQUIRE_BROWSER=1, as in CI)
 * or a skipped suite with the reason printed.
 */
export function describeWithChromium(title: string, tag: string, body: (chromium: string) => void): void {
  if (CHROMIUM) {
    describe(title, () => body(CHROMIUM));
    return;
  }
  if (BROWSER_REQUIRED) {
    describe(title, () => {
      it('needs Chromium (REQUIRE_BROWSER=1)', () => {
        throw new Error(`REQUIRE_BROWSER=1 but ${NO_BROWSER}`);
      });
    });
    return;
  }
  process.stderr.write(`\n[${tag}] SKIPPED: ${NO_BROWSER}. Set REQUIRE_BROWSER=1 to make this a failure.\n`);
  describe.skip(`${title} (skipped: no Chromium)`, () => {
    it('runs', () => undefined);
  });
}
