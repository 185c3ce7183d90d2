// Builds the site twice, as a host would publish it (at the domain root, and
// under a sub-path), then serves both builds for the end-to-end tests.
import { execFileSync } from 'node:child_process';
import {
  E2E_CACHE_DIR,
  E2E_DIST,
  E2E_ROOT_PORT,
  E2E_SUBPATH_BASE,
  E2E_SUBPATH_DIST,
  E2E_SUBPATH_PORT,
} from './e2e-ports.mjs';
import { serveStatic } from './serve-static.mjs';

function build(outDir, env) {
  execFileSync(
    process.execPath,
    ['node_modules/astro/bin/astro.mjs', 'build', '--outDir', outDir],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        ...(E2E_CACHE_DIR ? { POOLLAB_CACHE_DIR: E2E_CACHE_DIR } : {}),
        ...env,
      },
    },
  );
}

if (!process.env.POOLLAB_E2E_SKIP_BUILD) {
  build(E2E_DIST, { POOLLAB_SITE: `http://127.0.0.1:${E2E_ROOT_PORT}`, POOLLAB_BASE: '/' });
  build(E2E_SUBPATH_DIST, {
    POOLLAB_SITE: `http://127.0.0.1:${E2E_SUBPATH_PORT}`,
    POOLLAB_BASE: E2E_SUBPATH_BASE,
  });
}
await serveStatic(E2E_DIST, '/', E2E_ROOT_PORT);
await serveStatic(E2E_SUBPATH_DIST, E2E_SUBPATH_BASE, E2E_SUBPATH_PORT);
console.log('e2e servers ready');
