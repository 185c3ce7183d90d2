// Before and after: two scenarios, one link, one report.
import { linkVersion } from '../../src/scenario/link-version';
import { expect, hydrateAllIslands, test } from './fixtures';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('the comparison opens from a link with both scenarios and copies the CLI report', async ({
  page,
  context,
}) => {
  await page.goto(
    `compare/?before.preset=shared-socket-sync-workers&after.preset=shared-socket-sync-workers&after.app.post_fork=dispose_close_false&v=${linkVersion()}`,
  );
  await hydrateAllIslands(page);
  const view = page.getByRole('region', { name: 'Before and after' });
  const protocol = view.getByRole('row', { name: /^protocol_error/ });
  await expect(protocol.getByRole('cell').nth(1)).toHaveText('0 (better)');
  await expect(protocol.getByRole('cell').nth(0)).not.toHaveText('0');

  await view.getByRole('button', { name: 'Copy comparison as Markdown' }).click();
  await expect(view.getByText('Comparison copied as Markdown.')).toBeVisible();
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toContain('# Pool Lab: before and after');
  expect(markdown).toContain('after.app.post_fork=dispose_close_false');

  // The same comparison from the command line: the same text, character for character.
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const cli = (...args: string[]) =>
    execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'src/cli/poollab.ts', ...args],
      {
        encoding: 'utf8',
      },
    );
  const after = JSON.parse(cli('normalize', 'shared-socket-sync-workers'));
  after.app.post_fork = 'dispose_close_false';
  const dir = mkdtempSync(join(tmpdir(), 'poollab-compare-'));
  const afterFile = join(dir, 'after.json');
  const shareUrl = /Reproduce both: <([^>]+)>/.exec(markdown)?.[1] ?? '';
  try {
    writeFileSync(afterFile, JSON.stringify(after));
    expect(cli('compare', 'shared-socket-sync-workers', afterFile, '--share-url', shareUrl)).toBe(
      markdown,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  await view.getByRole('button', { name: 'Copy link to this comparison' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const reopened = await context.newPage();
  await reopened.goto(link);
  await hydrateAllIslands(reopened);
  await expect(
    reopened
      .getByRole('region', { name: 'Before and after' })
      .getByRole('row', { name: /^protocol_error/ })
      .getByRole('cell')
      .nth(1),
  ).toHaveText('0 (better)');
});
