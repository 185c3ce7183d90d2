// Printing. A chapter prints each widget as its title, caption and text summary;
// the Lab prints one report (what was run, the link, the load's figures and
// charts); Before and after prints its table and charts.
import type { Locator, Page } from '@playwright/test';
import { linkVersion } from '../../src/scenario/link-version';
import { expect, hydrateAllIslands, test } from './fixtures';

/** Elements inside `scope` matching `selector` that print (are visible in print media). */
async function visibleCount(scope: Locator, selector: string): Promise<number> {
  return scope.locator(selector).evaluateAll(
    (els) =>
      els.filter((el) => {
        const box = (el as HTMLElement).getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      }).length,
  );
}

async function pdfPages(page: Page): Promise<number> {
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  return pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
}

test('a chapter prints its widgets as their text summaries', async ({ page }) => {
  await page.goto('queuepool/');
  await hydrateAllIslands(page);
  await page.emulateMedia({ media: 'print' });
  const widgets = page.locator('main .poollab-widget');
  expect(await widgets.count()).toBeGreaterThan(0);
  for (const widget of await widgets.all()) {
    expect(await visibleCount(widget, 'button, input, select, textarea, svg')).toBe(0);
  }
  const summaries = page.locator('main .poollab-widget .poollab-summary');
  expect(await visibleCount(page.locator('main'), '.poollab-widget .poollab-summary')).toBe(
    await summaries.count(),
  );
  await expect(summaries.first()).toHaveText(/\d/);
  // On screen, nothing of the print head shows.
  await page.emulateMedia({ media: 'screen' });
  expect(await visibleCount(page.locator('main'), 'svg')).toBeGreaterThan(0);
});

test('the Lab prints one report page with the charts', async ({ page }) => {
  await page.goto(`lab/?preset=pool-wait-spike&pool.pool_size=4&v=${linkVersion()}`);
  await hydrateAllIslands(page);
  const main = page.locator('main');
  // The print button opens the browser's print dialog.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await page.getByRole('button', { name: 'Print report' }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  expect(await visibleCount(main, '.poollab-printhead')).toBe(0);

  await page.emulateMedia({ media: 'print' });
  const head = main.locator('.poollab-printhead');
  await expect(head).toBeVisible();
  await expect(head).toContainText('Pool Lab report');
  await expect(head).toContainText('QueuePool pool_size 4');
  await expect(head).toContainText(/Reproduce: http:\/\/.*\/lab\/\?preset=pool-wait-spike/);
  await expect(head).toContainText('pool.pool_size=4');
  // The load's summary and its charts print; the other views and every control do not.
  await expect(main.getByTestId('loadlab-summary')).toBeVisible();
  expect(await visibleCount(main, '.poollab-loadlab .poollab-chart svg')).toBeGreaterThanOrEqual(4);
  expect(await visibleCount(main, 'button, input, select, textarea')).toBe(0);
  for (const view of ['Configuration', 'Fork explorer', 'QueuePool', 'PgBouncer', 'Capacity'])
    expect(await visibleCount(main, `section[aria-label^="${view}"]`), view).toBe(0);
  expect(await visibleCount(main, '.sl-markdown-content > p')).toBe(0);
  expect(await pdfPages(page)).toBe(1);
});

test('Before and after prints its table and both runs drawn together', async ({ page }) => {
  await page.goto(
    `compare/?before.preset=overflow-churn&after.preset=overflow-churn&after.pool.pool_size=16&v=${linkVersion()}`,
  );
  await hydrateAllIslands(page);
  const view = page.getByRole('region', { name: 'Before and after' });
  // On screen too: the latency and connection charts, each with its text equivalent.
  const charts = view.locator('.poollab-compare__charts svg[role="img"]');
  await expect(charts).toHaveCount(2);
  await expect(charts.first()).toHaveAttribute('aria-label', /before.*after/s);

  await page.emulateMedia({ media: 'print' });
  const head = view.locator('.poollab-printhead');
  await expect(head).toBeVisible();
  await expect(head).toContainText('Before');
  await expect(head).toContainText('QueuePool pool_size 16');
  await expect(view.getByRole('table')).toBeVisible();
  expect(await visibleCount(view, '.poollab-compare__charts svg')).toBe(2);
  expect(await visibleCount(view, 'button, input, select, textarea')).toBe(0);
  expect(await pdfPages(page)).toBe(1);
});
