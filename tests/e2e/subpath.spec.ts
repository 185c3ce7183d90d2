// The site built with POOLLAB_BASE=/pool-lab/ and served under that sub-path,
// as a static host would: every link, script, stylesheet and the search index
// must stay under the base path (the server answers 404 outside it).
import { expect, findBrokenLinks, test } from './fixtures';
import { allPages } from './pages';

for (const path of allPages()) {
  test(`under /pool-lab/: /${path} loads everything from the base path`, async ({
    page,
    baseURL,
  }) => {
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    expect(failed).toEqual([]);
    const base = new URL(baseURL as string).pathname;
    const urls = await page.evaluate(() => [
      ...Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href),
      ...Array.from(document.querySelectorAll('script[src]'), (s) => (s as HTMLScriptElement).src),
      ...Array.from(document.querySelectorAll('link[href]'), (l) => (l as HTMLLinkElement).href),
    ]);
    const local = urls.filter((u) => new URL(u).origin === new URL(page.url()).origin);
    expect(local.filter((u) => !new URL(u).pathname.startsWith(base))).toEqual([]);
    expect(await findBrokenLinks(page)).toEqual([]);
  });
}

test('search works offline under the sub-path', async ({ page }) => {
  await page.goto('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('textbox', { name: 'Search' }).fill('Gunicorn');
  await expect(page.locator('.pagefind-ui__result').first()).toBeVisible();
});
