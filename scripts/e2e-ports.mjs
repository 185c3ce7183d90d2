// Where the end-to-end tests find the two builds of the site. POOLLAB_E2E_SLOT
// (0, 1, 2...) gives a run its own ports, output folders and build cache, so
// that two runs on one machine do not share a server or a half-written build.
const slot = Number(process.env.POOLLAB_E2E_SLOT ?? 0) || 0;
const suffix = slot === 0 ? '' : `-${slot}`;

export const E2E_ROOT_PORT = 4329 + 2 * slot;
export const E2E_SUBPATH_PORT = 4330 + 2 * slot;
export const E2E_SUBPATH_BASE = '/pool-lab/';
export const E2E_DIST = `dist${suffix}`;
export const E2E_SUBPATH_DIST = `dist-subpath${suffix}`;
export const E2E_CACHE_DIR = slot === 0 ? undefined : `node_modules/.astro-e2e${suffix}`;
export const E2E_OUTPUT_DIR = `test-results${suffix}`;
