// Share links and the widgets that make them, driven as a reader would: move
// controls with the keyboard, play, step, scrub, copy a link, open it in a new
// page and find the same configuration and the same numbers; and links that
// carry garbage get a polite notice, not an error.
import type { Page } from '@playwright/test';
import { MODEL_VERSION, SCENARIO_VERSION } from '../../src/version';
import { expect, hydrateAllIslands, settled, test } from './fixtures';

const pool = (page: Page) =>
  page.getByRole('region', { name: 'QueuePool: checkouts, overflow and waits' });
const capacity = (page: Page) => page.getByRole('region', { name: 'Capacity planner' });
const controls = (page: Page) => page.getByRole('region', { name: 'Configuration' });
const toolbar = (page: Page) => page.getByRole('region', { name: 'Scenario' });

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('PoolCheckout: keyboard, play, step, scrub back to the same state', async ({ page }) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const widget = pool(page);
  const totals = widget.getByTestId('run-totals');
  await settled(page);
  const before = await totals.textContent();

  const size = controls(page).getByRole('slider', { name: 'pool_size' });
  await size.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(size).toHaveValue('4');
  await expect(totals).not.toHaveText(before ?? '');

  const summary = widget.locator('.poollab-summary');
  await widget.getByRole('button', { name: 'Step forward one event' }).click();
  await widget.getByRole('button', { name: 'Step forward one event' }).click();
  const time = widget.getByRole('slider', { name: /^t = / });
  const at = await time.inputValue();
  await settled(page);
  const seen = await summary.textContent();

  await widget.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(300);
  await widget.getByRole('button', { name: 'Pause' }).click();
  expect(Number(await time.inputValue())).toBeGreaterThan(Number(at));

  // Scrub back to the instant seen before: the same state, whichever way we came.
  await time.fill(at);
  await expect(summary).toHaveText(seen ?? '');
});

test('PoolCheckout: a copied link reopens the same configuration and run', async ({
  page,
  context,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const widget = pool(page);
  const threads = controls(page).getByRole('slider', { name: 'threads' });
  await threads.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(threads).toHaveValue('14');
  await widget.getByRole('button', { name: 'New seed' }).click();
  await settled(page);
  const totals = await widget.getByTestId('run-totals').textContent();

  await widget.getByRole('button', { name: 'Copy link' }).click();
  await expect(widget.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('app.threads=14');
  expect(link).toContain('seed=');
  expect(link).toMatch(/#pool$/);

  const reopened = await context.newPage();
  await reopened.goto(link);
  await hydrateAllIslands(reopened);
  await expect(controls(reopened).getByRole('slider', { name: 'threads' })).toHaveValue('14');
  await expect(pool(reopened).getByTestId('run-totals')).toHaveText(totals ?? '');
});

test('CapacityPlanner: the budget, the load result and the config files follow the controls', async ({
  page,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  await toolbar(page)
    .getByLabel('Start from a preset')
    .selectOption('two-servers-max-connections-100');
  await toolbar(page).getByRole('button', { name: 'Load' }).click();
  const widget = capacity(page);
  await expect(
    widget.getByRole('status').filter({ hasText: 'Over max_connections' }),
  ).toBeVisible();
  const workers = controls(page).getByRole('slider', { name: 'workers' });
  await workers.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(workers).toHaveValue('1');
  await expect(
    widget.getByText(/= 2 × 1 × min\(16 threads, 10 \+ 20\) = 32 connections at worst/),
  ).toBeVisible();
  await expect(widget.getByRole('status').filter({ hasText: 'Fits' })).toBeVisible();
  await widget.getByText('The configuration, in each tool').click();
  await expect(widget.getByLabel('gunicorn.conf.py', { exact: true })).toContainText('workers = 1');
});

test('history: a burst of changes is one entry, and back restores the previous configuration', async ({
  page,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const size = controls(page).getByRole('slider', { name: 'pool_size' });
  const before = await page.evaluate(() => history.length);
  // A drag: five input events in one go (keyboard presses on a loaded machine can
  // be more than the settle time apart, which is then rightly two entries).
  await size.evaluate((input: HTMLInputElement) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    for (let v = 3; v <= 7; v++) {
      setValue.call(input, String(v));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await expect(size).toHaveValue('7');
  expect(await page.evaluate(() => history.length)).toBe(before + 1);
  await size.focus();
  await expect(page).toHaveURL(/pool\.pool_size=7/);
  const entries = await page.evaluate(() => history.length);
  await page.waitForTimeout(1200);
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/pool\.pool_size=8/);
  expect(await page.evaluate(() => history.length)).toBe(entries + 1);
  await page.goBack();
  await expect(page).toHaveURL(/pool\.pool_size=7/);
  await expect(size).toHaveValue('7');
  await page.goBack();
  await expect(size).toHaveValue('2');
});

const HOSTILE: [string, string][] = [
  ['pool.pool_size', '99999999999'],
  ['pool.max_overflow', '-50'],
  ['app.workers', 'NaN'],
  ['app.threads', 'Infinity'],
  ['seed', '<script>alert(1)</script>'],
  ['<img src=x onerror=alert(1)>', '1'],
  ['pool.pool_timeout', 'x'.repeat(5000)],
  ['no.such.key', '1'],
  ['faults', 'terminate_backends@abc'],
];

test('a hostile query string gets a polite notice naming each parameter, and nothing breaks', async ({
  page,
}) => {
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  const query = HOSTILE.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join(
    '&',
  );
  await page.goto(`lab/?${query}&pool.pool_pre_ping=true`);
  await hydrateAllIslands(page);
  const notice = page.locator('.poollab-notice');
  await expect(notice).toBeVisible();
  await expect(page.locator('.poollab-notice')).toHaveCount(1);
  for (const [key] of HOSTILE) await expect(notice).toContainText(key.slice(0, 60));
  // The valid parameter is still applied; the page's values stand for the rest.
  await expect(controls(page).getByRole('checkbox', { name: 'pool_pre_ping' })).toBeChecked();
  // A link written against the engine's defaults: pool_size 5, one thread.
  await expect(controls(page).getByRole('slider', { name: 'pool_size' })).toHaveValue('5');
  await expect(controls(page).getByRole('slider', { name: 'threads' })).toHaveValue('1');
  // Shown as text, never as markup.
  await expect(page.locator('.poollab-notice img')).toHaveCount(0);
  await expect(page.locator('.poollab-notice script')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('Lab: export the scenario file, import one, and refuse a bad one with the reason', async ({
  page,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const bar = toolbar(page);
  const href = await bar.getByRole('link', { name: 'Export scenario.json' }).getAttribute('href');
  const exported = JSON.parse(
    decodeURIComponent((href ?? '').replace(/^data:application\/json;charset=utf-8,/, '')),
  );
  expect(exported.pool).toMatchObject({ pool_size: 2, max_overflow: 0 });

  await bar.getByText('Import a scenario file').click();
  const paste = bar.getByLabel('or paste its JSON');
  await paste.fill('{ "pool": { "pool_size": -3 } }');
  await bar.getByRole('button', { name: 'Load pasted JSON' }).click();
  await expect(bar.getByRole('status').filter({ hasText: 'not changed' })).toContainText(
    'pool.pool_size: -3 is out of range 0..1000',
  );
  await paste.fill('{ "app": { "workers": 3 }, "pool": { "pool_size": 7 } }');
  await bar.getByRole('button', { name: 'Load pasted JSON' }).click();
  await expect(bar.getByText('Scenario loaded.')).toBeVisible();
  await expect(controls(page).getByRole('slider', { name: 'pool_size' })).toHaveValue('7');
  await expect(controls(page).getByRole('slider', { name: 'workers' })).toHaveValue('3');
  await paste.fill('not json <script>');
  await bar.getByRole('button', { name: 'Load pasted JSON' }).click();
  await expect(bar.getByRole('status').filter({ hasText: 'Not JSON' })).toBeVisible();
});

test('a preset link opens the Lab on that preset, and a copied link keeps naming it', async ({
  page,
  context,
}) => {
  await page.goto('lab/?preset=pgbouncer-transaction-reserve&app.threads=6&preset2=x');
  await hydrateAllIslands(page);
  const controls = page.getByRole('region', { name: 'Configuration' });
  await expect(controls.getByRole('slider', { name: 'threads' })).toHaveValue('6');
  await expect(controls.getByRole('slider', { name: 'default_pool_size' })).toHaveValue('4');
  await expect(page.locator('.poollab-notice')).toContainText('preset2');

  const mux = page.getByRole('region', { name: 'PgBouncer: clients onto server connections' });
  await mux.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(
    new RegExp(
      `\\?preset=pgbouncer-transaction-reserve&app\\.threads=6&v=${SCENARIO_VERSION}\\.${MODEL_VERSION}#pgbouncer$`,
    ),
  );

  const other = await context.newPage();
  await other.goto('lab/?preset=no-such-preset');
  await hydrateAllIslands(other);
  await expect(other.locator('.poollab-notice')).toContainText(
    '"no-such-preset" is not a preset of this site',
  );
});

test('Lab: the Markdown report is the CLI report for the same scenario and seed', async ({
  page,
}) => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  await page.goto('lab/?preset=failover-no-pre-ping&seed=42');
  await hydrateAllIslands(page);
  const bar = toolbar(page);
  await bar.getByRole('button', { name: 'Copy report as Markdown' }).click();
  await expect(bar.getByText('Report copied as Markdown.')).toBeVisible();
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toContain('Reproduce: <http://127.0.0.1:');
  expect(markdown).toContain('preset=failover-no-pre-ping');
  expect(markdown).toContain('Seed 42');

  const href = await bar.getByRole('link', { name: 'Export scenario.json' }).getAttribute('href');
  const dir = mkdtempSync(join(tmpdir(), 'poollab-report-'));
  const file = join(dir, 'scenario.json');
  const shareUrl = /Reproduce: <([^>]+)>/.exec(markdown)?.[1] ?? '';
  let cli: string;
  try {
    writeFileSync(
      file,
      decodeURIComponent((href ?? '').replace(/^data:application\/json;charset=utf-8,/, '')),
    );
    cli = execFileSync(
      process.execPath,
      [
        'node_modules/tsx/dist/cli.mjs',
        'src/cli/poollab.ts',
        'simulate',
        file,
        '--format',
        'markdown',
        '--share-url',
        shareUrl,
      ],
      { encoding: 'utf8' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(markdown).toBe(cli);
});

test('Lab: pasting a gunicorn.conf.py sets the scenario and lists what was ignored and why', async ({
  page,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const bar = toolbar(page);
  await bar.getByText('Paste your configuration').click();
  await bar
    .getByLabel(/gunicorn.conf.py or its command line/)
    .fill(
      [
        'import multiprocessing',
        'workers = 4',
        'threads  =   16   # per worker',
        'preload_app = True',
        'backlog = multiprocessing.cpu_count() * 2 + 1',
        'def post_fork(server, worker):',
        '    from app import db',
        '    db.engine.dispose(close=False)',
      ].join('\n'),
    );
  await bar.getByRole('button', { name: 'Read configuration' }).click();
  const status = bar.locator('.poollab-configpaste .poollab-importstatus');
  await expect(status).toContainText('settings applied');
  await expect(status.getByRole('list', { name: 'Recognised' })).toContainText('app.post_fork');
  await expect(status.getByRole('list', { name: 'Ignored' })).toContainText('backlog');
  const controls = page.getByRole('region', { name: 'Configuration' });
  await expect(controls.getByRole('slider', { name: 'workers' })).toHaveValue('4');
  await expect(controls.getByRole('slider', { name: 'threads' })).toHaveValue('16');
  await expect(controls.getByRole('combobox', { name: 'post_fork' })).toHaveValue(
    'dispose_close_false',
  );
});

test('a link from an older model revision still opens, and says its figures may differ', async ({
  page,
}) => {
  const older = MODEL_VERSION - 1;
  await page.goto(`lab/?preset=nullpool&app.workers=3&v=${SCENARIO_VERSION}.${older}`);
  await hydrateAllIslands(page);
  await expect(page.locator('.poollab-notice').first()).toContainText(
    `made with model revision ${older}; this is revision ${MODEL_VERSION}, so figures may differ`,
  );
  await expect(controls(page).getByRole('slider', { name: 'workers' })).toHaveValue('3');
});
