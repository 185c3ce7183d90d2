// Where the end-to-end tests find the two builds of the site.
export const E2E_ROOT_PORT = 4329;
export const E2E_SUBPATH_PORT = 4330;
export const E2E_SUBPATH_BASE = '/pool-lab/';
