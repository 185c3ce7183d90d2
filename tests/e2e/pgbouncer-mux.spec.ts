// PgBouncerMux on the Lab, driven as a reader would.
import { expect, hydrateAllIslands, test } from './fixtures';

test('PgBouncerMux: clients share server connections, and pool_mode changes who holds them', async ({
  page,
}) => {
  await page.goto('lab/');
  await hydrateAllIslands(page);
  const mux = page.getByRole('region', { name: 'PgBouncer: clients onto server connections' });
  await expect(mux).toContainText('This scenario has no PgBouncer');

  const toolbar = page.getByRole('region', { name: 'Scenario' });
  await toolbar.getByLabel('Start from a preset').selectOption('pgbouncer-transaction-reserve');
  await toolbar.getByRole('button', { name: 'Load' }).click();
  const summary = mux.locator('.poollab-summary');
  await expect(summary).toContainText(
    'in transaction mode a client holds a server connection only during a transaction',
  );
  await expect(summary).toContainText('default_pool_size 4');

  // Step through time: the summary is the engine's state at each instant.
  const time = mux.getByRole('slider', { name: /^t = / });
  await time.focus();
  await page.keyboard.press('End');
  // The end of the run: 10 s of load after the workers' boot.
  await expect(summary).toContainText(/At 10\.\d{3} s/);

  const controls = page.getByRole('region', { name: 'Configuration' });
  const mode = controls.getByRole('combobox', { name: 'pool_mode' });
  await mode.focus();
  await mode.selectOption('session');
  await expect(summary).toContainText('in session mode a client keeps its server connection');
});
