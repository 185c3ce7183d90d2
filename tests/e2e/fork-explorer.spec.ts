// The ForkExplorer driven as a reader would: toggle the fork hooks and TLS
// with the keyboard and read the summary; step and scrub back to the same
// state; copy the link and find the same configuration and numbers in a new page.
import type { Locator, Page } from '@playwright/test';
import { expect, hydrateAllIslands, settled, test } from './fixtures';

const PAGE = 'shared-connections/';
const explorer = (page: Page) =>
  page.getByRole('region', { name: 'Fork explorer: processes, FD tables and sockets' }).first();

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** Steps forward until the summary matches, at most `limit` events. */
async function stepUntil(widget: Locator, pattern: RegExp, limit = 400): Promise<void> {
  const summary = widget.locator('.poollab-fork__summary');
  const step = widget.getByRole('button', { name: 'Step forward one event' });
  for (let i = 0; i < limit; i++) {
    await settled(widget.page());
    if (pattern.test((await summary.textContent()) ?? '')) return;
    await step.click();
  }
  await expect(summary).toHaveText(pattern);
}

test('post_fork dispose(close=False) takes the shared socket and its errors away; tls gives ssl_error', async ({
  page,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const widget = explorer(page);
  const summary = widget.locator('.poollab-fork__summary');

  // Paused just before the first failure, the master's socket is in several pools.
  await expect(summary).toContainText('1 socket is shared between pools.');
  await stepUntil(widget, /protocol_error/);
  await expect(widget.getByRole('list', { name: 'Recent fork and socket events' })).toContainText(
    'failed: protocol_error',
  );

  const postFork = widget.getByRole('combobox', { name: 'post_fork' });
  await postFork.focus();
  await page.keyboard.press('ArrowDown');
  await expect(postFork).toHaveValue('dispose_close_false');
  await expect(summary).toContainText('No socket is shared between pools.');
  await expect(summary).not.toContainText('protocol_error');
  await expect(summary).toContainText('only the pool of pid 1000 uses it');
  await expect(widget.getByTestId('run-totals')).not.toContainText('protocol_error');

  await page.keyboard.press('ArrowUp');
  await expect(postFork).toHaveValue('none');
  const tls = widget.getByRole('checkbox', { name: 'tls' });
  await tls.focus();
  await page.keyboard.press('Space');
  await expect(tls).toBeChecked();
  const time = widget.getByRole('slider', { name: /^t = / });
  await time.focus();
  await page.keyboard.press('End');
  await expect(summary).toContainText('ssl_error');
  await expect(widget.getByTestId('run-totals')).toContainText('ssl_error');
});

test('stepping and scrubbing back shows the same state as going forward', async ({ page }) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const widget = explorer(page);
  const summary = widget.locator('.poollab-fork__summary');
  const forward = widget.getByRole('button', { name: 'Step forward one event' });
  const back = widget.getByRole('button', { name: 'Step back one event' });

  await forward.click();
  await settled(page);
  const seen = await summary.textContent();
  for (let i = 0; i < 6; i++) await forward.click();
  await expect(summary).not.toHaveText(seen ?? '');
  for (let i = 0; i < 6; i++) await back.click();
  await expect(summary).toHaveText(seen ?? '');

  const time = widget.getByRole('slider', { name: /^t = / });
  await time.focus();
  await page.keyboard.press('ArrowRight');
  await settled(page);
  const at = await summary.textContent();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(summary).not.toHaveText(at ?? '');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await expect(summary).toHaveText(at ?? '');
});

test('a copied link reopens the same configuration and the same numbers', async ({
  page,
  context,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const widget = explorer(page);
  const postWorkerInit = widget.getByRole('combobox', { name: 'post_worker_init' });
  await postWorkerInit.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(postWorkerInit).toHaveValue('dispose_close_true');
  await settled(page);
  const totals = await widget.getByTestId('run-totals').textContent();
  const time = widget.getByRole('slider', { name: /^t = / });
  const at = await time.inputValue();
  const summary = await widget.locator('.poollab-fork__summary').textContent();

  await widget.getByRole('button', { name: 'Copy link' }).click();
  await expect(widget.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('app.post_worker_init=dispose_close_true');

  const reopened = await context.newPage();
  await reopened.goto(link);
  await hydrateAllIslands(reopened);
  const again = explorer(reopened);
  await expect(again.getByRole('combobox', { name: 'post_worker_init' })).toHaveValue(
    'dispose_close_true',
  );
  await expect(again.getByTestId('run-totals')).toHaveText(totals ?? '');
  await again.getByRole('slider', { name: /^t = / }).fill(at);
  await expect(again.locator('.poollab-fork__summary')).toHaveText(summary ?? '');
});
