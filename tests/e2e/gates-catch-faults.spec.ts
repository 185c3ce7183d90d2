// Each gate must fail on a real fault: plant one and check the gate sees it.
// The planted pages are served by Playwright itself from a path of the test
// server, so nothing here leaves localhost.
import { test, type Page } from '@playwright/test';
import { expect, findBrokenLinks, guardPage, seriousAxeFindings } from './fixtures';

// These tests plant faults on purpose, so they use Playwright's bare `test`,
// without the fixture that fails a test on a console error or an outside request.

async function plant(page: Page, html: string): Promise<void> {
  await page.route('**/__planted__/', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><title>Planted</title></head><body><main>${html}</main></body></html>`,
    }),
  );
  await page.goto('__planted__/');
}

test('axe gate catches an unlabelled control and an image without alt', async ({ page }) => {
  await plant(
    page,
    '<h1>Planted</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>',
  );
  const ids = (await seriousAxeFindings(page)).map((f) => f.id);
  expect(ids).toContain('image-alt');
  expect(ids).toContain('button-name');
});

test('link gate catches a missing page and a missing anchor', async ({ page }) => {
  await plant(
    page,
    '<h1 id="here">Planted</h1><a href="/no-such-chapter/">gone</a><a href="/#no-such-anchor">gone</a><a href="/">fine</a>',
  );
  const broken = await findBrokenLinks(page);
  expect(broken.map((b) => b.reason).sort()).toEqual(['HTTP 404', 'no such anchor']);
});

test('network gate catches and aborts a request outside localhost', async ({ page }) => {
  const guards = await guardPage(page);
  await plant(page, '<h1>Planted</h1><img alt="" src="https://example.com/pixel.png">');
  await expect.poll(() => guards.externalRequests).toEqual(['https://example.com/pixel.png']);
});

test('console gate catches an uncaught error', async ({ page }) => {
  const guards = await guardPage(page);
  await plant(page, '<h1>Planted</h1><script>throw new Error("planted")</script>');
  await expect.poll(() => guards.errors).toEqual(['uncaught: planted']);
});
