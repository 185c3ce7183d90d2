// The three guide chapters "Start here", "Incident playbook" and "Case study",
// read as a reader would: each loads with its widgets alive, the budget on
// Start here follows its controls, every preset link on the playbook names a
// preset of the site, and following some of them opens the Lab on that preset.
import type { Page } from '@playwright/test';
import { PRESETS } from '../../src/scenario/presets/index';
import { expect, hydrateAllIslands, test } from './fixtures';

const region = (page: Page, name: string) => page.getByRole('region', { name }).first();

test('Start here: the connection budget follows its controls', async ({ page }) => {
  await page.goto('start-here/');
  await expect(page.getByRole('heading', { level: 2, name: 'Choosing a pool' })).toBeVisible();
  await hydrateAllIslands(page);
  const budget = region(page, 'Connection budget');
  // The memo's setup: 4 workers × min(16, 10 + 20) + the master's connection.
  await expect(budget).toContainText('= 1 × 4 × min(16 threads, 10 + 20) + 1 = 65 connections');
  await expect(budget.getByRole('status')).toContainText('Fits: 65 of 97');

  const servers = page.getByRole('group', { name: 'Your configuration' }).getByRole('slider', {
    name: 'servers',
    exact: true,
  });
  await servers.focus();
  await page.keyboard.press('ArrowRight');
  await expect(servers).toHaveValue('2');
  await expect(budget.getByRole('status')).toContainText('Over max_connections');
  // Figures in the prose are rendered at build time, from the engine.
  await expect(page.locator('.sim-figure').first()).toHaveText(/^\d[\d,]*$/);
});

test('Incident playbook: one section per symptom, and its pool widget runs', async ({ page }) => {
  await page.goto('incident-playbook/');
  for (const id of [
    'queuepool-limit-reached',
    'too-many-clients',
    'no-more-connections-allowed',
    'pgres_tuples_ok-and-lost-synchronization',
    'ssl-bad-record-mac',
    'server-closed-the-connection-unexpectedly',
    'errors-right-after-a-failover',
    'errors-after-a-pgbouncer-restart',
    'latency-spike-without-errors',
    'session-state-errors-under-threads',
    'worker-timeout',
    'next',
  ])
    await expect(page.locator(`h2#${id}`), id).toHaveCount(1);
  await hydrateAllIslands(page);
  const pool = region(page, 'QueuePool: checkouts, overflow and waits');
  await expect(pool.locator('.poollab-summary')).not.toBeEmpty();
  await expect(pool.getByRole('slider', { name: 'pool_size', exact: true })).toHaveValue('2');
});

test('Incident playbook: every preset link names a preset, and opens the Lab on it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('incident-playbook/');
  const hrefs = await page
    .locator('main a[href*="lab/?preset="]')
    .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
  const ids = new Set(PRESETS.map((p) => p.id));
  const linked = hrefs.map((href) => new URL(href).searchParams.get('preset') ?? '');
  expect(linked.length).toBeGreaterThanOrEqual(12);
  for (const id of linked) expect(ids.has(id), id).toBe(true);
  // Every symptom section links at least one preset.
  const sections = await page.locator('main h2').evaluateAll((hs) =>
    hs
      .filter((h) => h.id !== 'next')
      .map((h) => {
        let n = h.closest('.sl-heading-wrapper') ?? h;
        let links = 0;
        for (n = n.nextElementSibling!; n && !n.matches('h2, .sl-heading-wrapper');) {
          links += n.querySelectorAll('a[href*="lab/?preset="]').length;
          n = n.nextElementSibling!;
        }
        return [h.id, links] as const;
      }),
  );
  for (const [id, links] of sections) expect(links, id).toBeGreaterThan(0);

  // Follow three of them and read a control that the preset sets.
  const checks: [string, (p: Page) => Promise<void>][] = [
    [
      'pool-timeout-too-few-connections',
      async (p) => {
        const c = region(p, 'Configuration');
        await expect(c.getByRole('slider', { name: 'pool_size', exact: true })).toHaveValue('2');
        await expect(c.getByRole('slider', { name: 'threads', exact: true })).toHaveValue('16');
      },
    ],
    [
      'worker-timeout-sync',
      async (p) => {
        const c = region(p, 'Configuration');
        await expect(c.getByRole('slider', { name: 'timeout (s)', exact: true })).toHaveValue('2');
        await expect(c.getByRole('slider', { name: 'threads', exact: true })).toHaveValue('1');
      },
    ],
    [
      'pgbouncer-restart-no-pre-ping',
      async (p) => {
        const c = region(p, 'Configuration');
        await expect(c.getByRole('combobox', { name: 'pool_mode', exact: true })).toHaveValue(
          'transaction',
        );
        await expect(
          c.getByRole('checkbox', { name: 'pool_pre_ping', exact: true }),
        ).not.toBeChecked();
      },
    ],
  ];
  for (const [i, [id, check]] of checks.entries()) {
    if (i === 0) {
      // A reader's click from the playbook...
      await page.locator(`main a[href*="lab/?preset=${id}"]`).first().click();
    } else {
      // ...and the link's own address (a new page load, as from a postmortem).
      const href = hrefs.find((h) => new URL(h).searchParams.get('preset') === id);
      expect(href, id).toBeDefined();
      await page.goto(href ?? '');
    }
    await expect(page).toHaveURL(new RegExp(`/lab/\\?preset=${id}`));
    await hydrateAllIslands(page);
    await check(page);
    await expect(page.locator('.poollab-notice')).toHaveCount(0);
  }
});

test('Case study: the planner, the fork explorer and the PgBouncer view come alive', async ({
  page,
}) => {
  await page.goto('case-study/');
  await expect(page.getByRole('heading', { level: 2, name: 'Claim by claim' })).toBeVisible();
  await hydrateAllIslands(page);

  const planner = region(page, 'Capacity planner');
  await expect(planner.getByRole('slider', { name: 'workers', exact: true })).toHaveValue('4');
  await expect(planner.getByRole('status').filter({ hasText: 'Fits' }).first()).toBeVisible();

  const fork = region(page, 'Fork explorer: processes, FD tables and sockets');
  const summary = fork.locator('.poollab-fork__summary');
  await expect(summary).toContainText('socket', { timeout: 30_000 });
  const postFork = fork.getByRole('combobox', { name: 'post_fork' });
  await expect(postFork).toHaveValue('none');
  await postFork.selectOption('dispose_close_false');
  await expect(summary).toContainText('No socket is shared between pools.', { timeout: 30_000 });

  const mux = region(page, 'PgBouncer: clients onto server connections');
  await expect(mux.getByRole('combobox', { name: 'pool_mode', exact: true })).toHaveValue(
    'transaction',
  );
  await expect(mux.locator('.poollab-summary')).not.toBeEmpty({ timeout: 30_000 });
});
