import { E2E_DIST } from '../../scripts/e2e-ports.mjs';
// Gates that run on every page of the built site, so a new chapter inherits
// them: accessibility (axe), links and anchors, no request outside localhost,
// no console error (the last two through the fixture), and a JavaScript budget.
import { checkBudget, formatKB, measureSite } from '../bench/page-weight';
import { expect, findBrokenLinks, hydrateAllIslands, seriousAxeFindings, test } from './fixtures';
import { allPages } from './pages';

for (const path of allPages()) {
  test(`page /${path}: accessible, links resolve, stays on localhost`, async ({ page }) => {
    // The evidence page holds a table and a chart per scenario: axe takes a while over it.
    if (path === 'how-we-know/') test.slow();
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await hydrateAllIslands(page);
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(await findBrokenLinks(page)).toEqual([]);
  });
}

test('every page ships JavaScript within its budget', async () => {
  const weights = await measureSite(E2E_DIST);
  expect(weights.map((w) => w.page).sort()).toEqual(allPages().sort());
  const over = checkBudget(weights).map(
    (v) => `${v.page || '/'}: ${formatKB(v.gzipBytes)} gzipped, budget ${formatKB(v.budget)}`,
  );
  expect(over).toEqual([]);
});
