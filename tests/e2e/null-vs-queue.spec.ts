// NullVsQueue as a reader uses it: move a control with the keyboard and see
// both sides and the comparison change; copy a link and find the same
// configuration and the same numbers on a new page.
import type { Page } from '@playwright/test';
import { expect, hydrateAllIslands, settled, test } from './fixtures';

const PAGE = 'nullpool/';
const widget = (page: Page) =>
  page.getByRole('region', { name: 'NullPool and QueuePool, same load' });

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('connect_ms moves the NullPool side, and the summary states the difference', async ({
  page,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const w = widget(page);
  const summary = w.getByTestId('nvq-summary');
  await expect(summary).toContainText('NullPool opened');
  await expect(summary).toContainText('QueuePool opened 8');
  const nullSide = w.getByRole('region', { name: 'NullPool', exact: true });
  const queueSide = w.getByRole('region', { name: 'QueuePool', exact: true });
  const nullLatency = nullSide.getByRole('img', { name: /NullPool: latency/ });
  await expect(nullLatency).toHaveAttribute('aria-label', /p50 \d/);
  await expect(
    queueSide.getByRole('img', {
      name: /QueuePool: PostgreSQL connections over time: PostgreSQL connections peak 8/,
    }),
  ).toBeVisible();
  const latencyBefore = await nullLatency.getAttribute('aria-label');
  await settled(page);
  const summaryBefore = await summary.textContent();

  // 5 ms → 10 ms, one keyboard step of 0.1 ms at a time.
  const connect = w.getByRole('slider', { name: /^connect_ms/ });
  await connect.focus();
  for (let i = 0; i < 50; i++) await page.keyboard.press('ArrowRight');
  await expect(connect).toHaveValue('10');

  await expect(summary).not.toHaveText(summaryBefore ?? '');
  const latencyAfter = await nullLatency.getAttribute('aria-label');
  expect(latencyAfter).not.toBe(latencyBefore);
  const p50 = (label: string | null) => Number(/p50 ([\d.]+)/.exec(label ?? '')?.[1]);
  expect(p50(latencyAfter)).toBeGreaterThan(p50(latencyBefore) + 3);

  // hold=query: three checkouts per request, three connects per request with NullPool.
  await w.getByRole('combobox', { name: 'hold' }).selectOption('query');
  // (A request still in flight at the end has made only some of its checkouts.)
  await expect(summary).toContainText(/one per checkout, (2\.9\d|3(\.0\d)?) checkouts per request/);
});

test('a copied link reopens the same configuration and the same numbers', async ({
  page,
  context,
}) => {
  await page.goto(PAGE);
  await hydrateAllIslands(page);
  const w = widget(page);
  const threads = w.getByRole('slider', { name: 'threads' });
  await threads.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(threads).toHaveValue('6');
  await settled(page);
  const summary = await w.getByTestId('nvq-summary').textContent();
  expect(summary).toContain('NullPool opened');

  await w.getByRole('button', { name: 'Copy link' }).click();
  await expect(w.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('app.threads=6');
  expect(link).toContain('#side-by-side');

  const reopened = await context.newPage();
  await reopened.goto(link);
  await hydrateAllIslands(reopened);
  const again = widget(reopened);
  await expect(again.getByRole('slider', { name: 'threads' })).toHaveValue('6');
  await expect(again.getByTestId('nvq-summary')).toHaveText(summary ?? '');
});
