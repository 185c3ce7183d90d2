// Two islands on one page share the page's scenario store: a control moved in
// one updates the other.
import { expect, hydrateAllIslands, settled, test } from './fixtures';

test('moving a control in one island updates the other', async ({ page }) => {
  await page.goto('');
  await hydrateAllIslands(page);
  const budget = page.getByRole('region', { name: 'Connection budget' });
  const workers = page.getByRole('slider', { name: 'workers' });
  const threads = page.getByRole('slider', { name: 'threads' });
  await settled(page);
  const before = await budget.textContent();

  await threads.focus();
  for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
  await workers.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');

  await expect(threads).toHaveValue('16');
  await expect(workers).toHaveValue('4');
  // 4 workers × min(16 threads, 5 + 10) = 60 connections at worst.
  await expect(budget).toContainText('= 1 × 4 × min(16 threads, 5 + 10) = 60 connections at worst');
  await settled(page);
  expect(await budget.textContent()).not.toBe(before);
});

test('a value out of range is refused with a message naming it', async ({ page }) => {
  await page.goto('');
  await hydrateAllIslands(page);
  const box = page.getByRole('spinbutton', { name: 'pool_size' });
  await box.fill('-3');
  await expect(page.getByRole('alert')).toContainText('pool.pool_size: -3 is out of range 0..1000');
  await expect(page.getByRole('slider', { name: 'pool_size' })).toHaveValue('5');
});
