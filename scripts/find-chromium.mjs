// Finds the Chromium the end-to-end tests run in, in this order:
//   1. the path in $CHROMIUM_PATH,
//   2. Playwright's own Chromium, if `npx playwright install chromium` put one here,
//   3. Debian's /usr/bin/chromium.
// Run directly, it prints the choice, or explains how to get a Chromium and exits 1.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** @returns {Promise<{ path: string, source: string } | null>} */
export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    return existsSync(fromEnv) ? { path: fromEnv, source: '$CHROMIUM_PATH' } : null;
  }
  try {
    const { chromium } = await import('playwright-core');
    const own = chromium.executablePath();
    if (own && existsSync(own)) return { path: own, source: "Playwright's own browser" };
  } catch {
    // playwright-core not installed or no browser registry: fall through.
  }
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'Debian' };
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = await findChromium();
  if (found) {
    console.log(`Chromium for the end-to-end tests: ${found.path} (${found.source})`);
  } else {
    const named = process.env.CHROMIUM_PATH;
    console.error(
      [
        named
          ? `CHROMIUM_PATH is set to ${named}, but no file is there.`
          : 'No Chromium found for the end-to-end tests.',
        'Get one with either:',
        '  npx playwright install chromium        (where the internet is reachable)',
        '  sudo apt-get install -y chromium       (Debian/Ubuntu)',
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
      ].join('\n'),
    );
    process.exit(1);
  }
}
