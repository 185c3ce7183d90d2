import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';
import {
  E2E_OUTPUT_DIR,
  E2E_ROOT_PORT,
  E2E_SUBPATH_BASE,
  E2E_SUBPATH_PORT,
} from './scripts/e2e-ports.mjs';

const chromium = await findChromium();
if (!chromium) throw new Error('No Chromium found: run `node scripts/find-chromium.mjs` for help.');

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: E2E_OUTPUT_DIR,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  use: {
    browserName: 'chromium',
    baseURL: `http://127.0.0.1:${E2E_ROOT_PORT}/`,
    launchOptions: { executablePath: chromium.path, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'site', testIgnore: /subpath\.spec\.ts/ },
    {
      name: 'subpath',
      testMatch: /subpath\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${E2E_SUBPATH_PORT}${E2E_SUBPATH_BASE}` },
    },
  ],
  webServer: {
    command: 'node scripts/e2e-server.mjs',
    url: `http://127.0.0.1:${E2E_SUBPATH_PORT}${E2E_SUBPATH_BASE}`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
