// LoadLab as a reader uses it: keyboard on the sliders, the phases editor,
// failures appearing by kind, a big load in the Web Worker with progress and
// cancel, and a copied link that reopens the same run.
import type { Page } from '@playwright/test';
import { expect, hydrateAllIslands, settled, test } from './fixtures';

const PAGE = 'sizing/';
/** The LoadLab of the "spike" scope (the second on the page). */
const lab = (page: Page) =>
  page.getByRole('region', { name: 'Load lab' }).filter({ hasText: 'Above capacity' });

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('sliders and phases change the charts and the summary; failures show by kind', async ({
  page,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const w = lab(page);
  const summary = w.getByTestId('loadlab-summary');
  await expect(summary).toContainText('Open load in phases: 100/s for 5 s, then 600/s for 5 s');
  await expect(w.getByText('No request failed: nothing to chart by kind.')).toBeVisible();
  const throughput = w.getByRole('img', { name: /^Throughput over time: ok peak/ });
  const latency = w.getByRole('img', { name: /^Latency of successful requests: p50/ });
  await expect(throughput).toBeVisible();
  const latencyBefore = await latency.getAttribute('aria-label');

  // More threads per worker: the spike is served, latency falls.
  const threads = w.getByRole('slider', { name: 'threads' });
  await threads.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect(threads).toHaveValue('8');
  await expect(latency).not.toHaveAttribute('aria-label', latencyBefore ?? '');

  // The spike's rate, through the phases editor; a refused value says why and changes nothing.
  const rate2 = w.getByRole('spinbutton', { name: 'rate_per_s, phase 2' });
  await rate2.fill('300');
  await expect(summary).toContainText('then 300/s for 5 s');
  await rate2.fill('-5');
  await expect(w.getByRole('alert')).toContainText('load.phases');
  await expect(summary).toContainText('then 300/s for 5 s');
  await rate2.blur();
  await w.getByRole('button', { name: 'Add a phase' }).click();
  await expect(w.getByRole('spinbutton', { name: 'rate_per_s, phase 4' })).toHaveValue('100');
  await w.getByRole('button', { name: 'Remove phase 4' }).click();
  await expect(w.getByRole('spinbutton', { name: 'rate_per_s, phase 4' })).toHaveCount(0);

  // pool_timeout 1 → 0 with the keyboard: Flask-SQLAlchemy's int() makes every checkout
  // that finds no idle connection fail at once.
  const timeout = w.getByRole('slider', { name: /^pool_timeout/ });
  await timeout.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  await expect(timeout).toHaveValue('0');
  await expect(
    w.getByRole('img', { name: /^Failed requests by kind: [\d,]+ requests pool_timeout/ }),
  ).toBeVisible();
  await expect(summary).toContainText('pool_timeout');
  await expect(w.getByRole('list', { name: 'Error texts of this run' })).toContainText(
    'QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.00',
  );
});

test('a big closed load runs in the worker with a progress bar, and Cancel stops it', async ({
  page,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const w = lab(page);
  await w.getByRole('combobox', { name: 'kind' }).selectOption('closed');
  await expect(w.getByTestId('loadlab-summary')).toContainText(
    'Closed load like ab -n 10,000 -c 50',
    {
      timeout: 30_000,
    },
  );

  // duration_s caps a closed load too: give it room, then ask for 200,000 requests.
  await w.getByRole('spinbutton', { name: /^duration_s/ }).fill('3600');
  await expect(w.getByTestId('loadlab-summary')).toContainText('10,000 ok', { timeout: 30_000 });
  await w.getByRole('spinbutton', { name: 'requests' }).fill('200000');
  const status = w.getByRole('status').filter({ hasText: 'Simulating' });
  await expect(status).toBeVisible();
  await expect(w.getByRole('progressbar')).toBeVisible();
  await w.getByRole('button', { name: 'Cancel' }).click();
  await expect(w.getByText('Run cancelled. Change a setting to run again.')).toBeVisible();
  await expect(w.getByTestId('loadlab-summary')).toHaveCount(0);

  await w.getByRole('spinbutton', { name: 'requests' }).fill('2000');
  await expect(w.getByTestId('loadlab-summary')).toContainText(
    'Closed load like ab -n 2,000 -c 50',
  );
});

test('a copied link reopens the same load and the same numbers', async ({ page, context }) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const w = lab(page);
  await w.getByRole('spinbutton', { name: 'duration_s, phase 2' }).fill('3');
  const workers = w.getByRole('slider', { name: 'workers' });
  await workers.focus();
  await page.keyboard.press('ArrowRight');
  await expect(workers).toHaveValue('3');
  const summary = w.getByTestId('loadlab-summary');
  await expect(summary).toContainText('then 600/s for 3 s');
  await settled(page);
  const text = await summary.textContent();

  await w.getByRole('button', { name: 'Copy link' }).click();
  await expect(w.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('scope=spike');
  expect(link).toContain('#sizing-from-traffic');

  const reopened = await context.newPage();
  await reopened.goto(link);
  await hydrateAllIslands(reopened);
  const again = lab(reopened);
  await expect(again.getByRole('slider', { name: 'workers' })).toHaveValue('3');
  await expect(again.getByRole('spinbutton', { name: 'duration_s, phase 2' })).toHaveValue('3');
  await expect(again.getByTestId('loadlab-summary')).toHaveText(text ?? '');
});
