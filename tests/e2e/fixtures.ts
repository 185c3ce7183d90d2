// The gates every end-to-end test inherits: import `test` and `expect` from
// here, not from '@playwright/test'.
// - A page may only talk to localhost: any other request is aborted and fails the test.
// - An uncaught error or a console error fails the test.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a request stays on this machine (or never leaves the page). */
export function isLocalRequest(url: string): boolean {
  const parsed = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

export interface PageGuards {
  /** Requests to anywhere but localhost, aborted before they left. */
  externalRequests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

/** Installs the guards on a page; the fixture below does this for every test. */
export async function guardPage(page: Page): Promise<PageGuards> {
  const guards: PageGuards = { externalRequests: [], errors: [] };
  await page.route(
    (url) => !isLocalRequest(url.href),
    async (route) => {
      guards.externalRequests.push(route.request().url());
      await route.abort('blockedbyclient');
    },
  );
  page.on('console', (msg) => {
    if (msg.type() === 'error') guards.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => guards.errors.push(`uncaught: ${err.message}`));
  return guards;
}

export const test = base.extend<{ guards: PageGuards }>({
  guards: [
    async ({ page }, use) => {
      const guards = await guardPage(page);
      await use(guards);
      expect(guards.externalRequests, 'requests outside localhost').toEqual([]);
      expect(guards.errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Serious and critical accessibility findings on the page as it is now. */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

/**
 * Waits until no widget shows the figures of an earlier scenario: views re-run as a
 * deferred value after a change, so read a figure only once they have caught up.
 */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('[data-stale]')).toHaveCount(0);
}

/** Scrolls to each `client:visible` island in turn and waits until it has hydrated. */
export async function hydrateAllIslands(page: Page): Promise<void> {
  const islands = page.locator('astro-island');
  const count = await islands.count();
  for (let i = 0; i < count; i++) {
    const island = islands.nth(i);
    await island.scrollIntoViewIfNeeded();
    await expect(island).not.toHaveAttribute('ssr', { timeout: 15_000 });
    // Hydrated and running: the widget has read its link (until then it is aria-busy
    // and may still show the page's defaults).
    await expect(island.locator('.poollab-widget:not([data-ready])')).toHaveCount(0, {
      timeout: 15_000,
    });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

export interface BrokenLink {
  from: string;
  href: string;
  reason: string;
}

/**
 * Checks every same-origin link on the page as rendered (including links that
 * components and widgets generate): the target answers 200, and its `#anchor`,
 * if any, names an element on the target page.
 */
export async function findBrokenLinks(page: Page): Promise<BrokenLink[]> {
  const from = page.url();
  const origin = new URL(from).origin;
  const hrefs = await page.$$eval('a[href]', (links) =>
    links.map((a) => (a as HTMLAnchorElement).href),
  );
  const broken: BrokenLink[] = [];
  const targets = new Map<string, Set<string>>();
  for (const href of new Set(hrefs)) {
    const url = new URL(href);
    if (url.origin !== origin) continue;
    const hash = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    url.search = '';
    const anchors = targets.get(url.href) ?? new Set<string>();
    if (hash) anchors.add(hash);
    targets.set(url.href, anchors);
  }
  for (const [target, anchors] of targets) {
    const response = await page.request.get(target);
    if (response.status() !== 200) {
      broken.push({ from, href: target, reason: `HTTP ${response.status()}` });
      continue;
    }
    if (anchors.size === 0) continue;
    const ids = await idsIn(page, await response.text());
    for (const anchor of anchors) {
      if (!ids.has(anchor))
        broken.push({ from, href: `${target}#${anchor}`, reason: 'no such anchor' });
    }
  }
  return broken;
}

/** The ids in an HTML document, read by the browser's own parser. */
async function idsIn(page: Page, html: string): Promise<Set<string>> {
  const ids = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'text/html');
    return Array.from(doc.querySelectorAll('[id]'), (el) => el.id);
  }, html);
  return new Set(ids);
}
