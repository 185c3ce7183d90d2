// The QueuePool and PgBouncer chapters as a reader uses them: every widget on
// the page comes alive (hydrated, its summary and run totals present), and one
// keyboard or pointer interaction per widget changes what it reports.
import type { Locator, Page } from '@playwright/test';
import { expect, hydrateAllIslands, settled, test } from './fixtures';

const POOL = 'QueuePool: checkouts, overflow and waits';
const MUX = 'PgBouncer: clients onto server connections';

/** What a widget reports: its live summary plus the run's totals. */
async function reported(widget: Locator): Promise<string> {
  await expect(widget.locator('.poollab-summary')).toContainText('At ');
  await expect(widget.getByTestId('run-totals')).not.toBeEmpty();
  await settled(widget.page());
  return `${await widget.locator('.poollab-summary').textContent()} | ${await widget
    .getByTestId('run-totals')
    .textContent()}`;
}

/** Moves a slider one keyboard step at a time. */
async function nudge(page: Page, slider: Locator, key: string, times = 1) {
  await slider.focus();
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

async function expectChanged(widget: Locator, before: string) {
  await expect.poll(async () => reported(widget), { timeout: 20_000 }).not.toBe(before);
}

test.describe.configure({ timeout: 120_000 });

test('QueuePool chapter: five pools come alive and answer their controls', async ({ page }) => {
  await page.goto('queuepool/');
  await hydrateAllIslands(page);
  const widgets = page.getByRole('region', { name: POOL });
  await expect(widgets).toHaveCount(5);

  // Waiting: pool_size 2 → 3 with the keyboard.
  const timeout = widgets.nth(0);
  await timeout.scrollIntoViewIfNeeded();
  let before = await reported(timeout);
  const size = timeout.getByRole('slider', { name: 'pool_size' });
  await nudge(page, size, 'ArrowRight');
  await expect(size).toHaveValue('3');
  await expectChanged(timeout, before);

  // Overflow (the page's main scope, the #overflow share link's target): max_overflow 10 → 5.
  const overflow = widgets.nth(1);
  await overflow.scrollIntoViewIfNeeded();
  before = await reported(overflow);
  const maxOverflow = overflow.getByRole('slider', { name: 'max_overflow' });
  await nudge(page, maxOverflow, 'ArrowLeft', 5);
  await expect(maxOverflow).toHaveValue('5');
  await expectChanged(overflow, before);

  // Truncation: the timeout message says 0.00 through Flask-SQLAlchemy, 0.20 with create_engine.
  const truncation = widgets.nth(2);
  await truncation.scrollIntoViewIfNeeded();
  before = await reported(truncation);
  await expect(truncation.getByTestId('run-totals')).toContainText('pool_timeout');
  await truncation.getByRole('combobox', { name: 'engine_config' }).selectOption('create_engine');
  await expectChanged(truncation, before);

  // Pre-ping: a checkbox, toggled from the keyboard.
  const prePing = widgets.nth(3);
  await prePing.scrollIntoViewIfNeeded();
  before = await reported(prePing);
  const ping = prePing.getByRole('checkbox', { name: 'pool_pre_ping' });
  await ping.focus();
  await page.keyboard.press('Space');
  await expect(ping).toBeChecked();
  await expectChanged(prePing, before);

  // LIFO: back to FIFO.
  const lifo = widgets.nth(4);
  await lifo.scrollIntoViewIfNeeded();
  before = await reported(lifo);
  const useLifo = lifo.getByRole('checkbox', { name: 'pool_use_lifo' });
  await expect(useLifo).toBeChecked();
  await useLifo.focus();
  await page.keyboard.press('Space');
  await expect(useLifo).not.toBeChecked();
  await expectChanged(lifo, before);
});

test('QueuePool chapter: the SCENARIO.md share link lands on #overflow with the memo pool', async ({
  page,
}) => {
  await page.goto(
    'queuepool/?app.workers=4&app.threads=16&pool.pool_size=10&pool.max_overflow=20&seed=7#overflow',
  );
  await hydrateAllIslands(page);
  await expect(page.locator('#overflow')).toBeVisible();
  const overflow = page.getByRole('region', { name: POOL }).nth(1);
  await expect(overflow.getByRole('slider', { name: 'pool_size' })).toHaveValue('10');
  await expect(overflow.getByRole('slider', { name: 'max_overflow' })).toHaveValue('20');
  await reported(overflow);
  // The other widgets keep their own presets.
  await expect(
    page.getByRole('region', { name: POOL }).nth(0).getByRole('slider', { name: 'pool_size' }),
  ).toHaveValue('2');
});

test('PgBouncer chapter: four multiplexers and a pool come alive and answer their controls', async ({
  page,
}) => {
  await page.goto('pgbouncer/');
  await hydrateAllIslands(page);
  const muxes = page.getByRole('region', { name: MUX });
  await expect(muxes).toHaveCount(4);

  // Transaction vs session, side by side: two scopes, two different stories.
  const transaction = muxes.nth(0);
  const session = muxes.nth(1);
  await transaction.scrollIntoViewIfNeeded();
  await expect(transaction.locator('.poollab-summary')).toContainText('in transaction mode');
  await session.scrollIntoViewIfNeeded();
  await expect(session.locator('.poollab-summary')).toContainText('in session mode');

  let before = await reported(transaction);
  const poolSize = transaction.getByRole('slider', { name: 'default_pool_size' });
  await nudge(page, poolSize, 'ArrowRight', 2);
  await expect(poolSize).toHaveValue('6');
  await expectChanged(transaction, before);
  // The session widget did not move with it.
  await expect(session.getByRole('slider', { name: 'default_pool_size' })).toHaveValue('4');

  before = await reported(session);
  await session.getByRole('combobox', { name: 'pool_mode' }).selectOption('transaction');
  await expect(session.locator('.poollab-summary')).toContainText('in transaction mode');
  await expectChanged(session, before);

  // max_client_conn: 20 → 40 (a page of keyboard steps), the refusals stop.
  const limits = muxes.nth(2);
  await limits.scrollIntoViewIfNeeded();
  await expect(limits.locator('.poollab-summary')).toContainText('refused with max_client_conn');
  before = await reported(limits);
  const maxClient = limits.getByRole('slider', { name: 'max_client_conn' });
  await nudge(page, maxClient, 'ArrowRight', 20);
  await expect(maxClient).toHaveValue('40');
  await expectChanged(limits, before);

  // query_wait_timeout 1 → 3 s.
  const wait = muxes.nth(3);
  await wait.scrollIntoViewIfNeeded();
  before = await reported(wait);
  const qwt = wait.getByRole('slider', { name: /^query_wait_timeout/ });
  const step = Number((await qwt.getAttribute('step')) ?? '1');
  await nudge(page, qwt, 'ArrowRight', Math.round(2 / step));
  await expectChanged(wait, before);

  // The PgBouncer restart pool: pre-ping on.
  const restart = page.getByRole('region', { name: POOL });
  await expect(restart).toHaveCount(1);
  await restart.scrollIntoViewIfNeeded();
  before = await reported(restart);
  await expect(restart.getByTestId('run-totals')).toContainText('connection_closed');
  const ping = restart.getByRole('checkbox', { name: 'pool_pre_ping' });
  await ping.focus();
  await page.keyboard.press('Space');
  await expect(ping).toBeChecked();
  await expectChanged(restart, before);
});
