// Measures the JavaScript each built page ships: its inline scripts, the
// scripts it loads, the islands it hydrates, and everything those import
// statically. Dynamic imports (Pagefind's search UI, opened on demand) are not
// counted: a reader who never opens search never downloads them.
import { readFile, readdir } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { init, parse as parseImports } from 'es-module-lexer';
import { parse as parseHtml } from 'parse5';

export interface PageWeight {
  /** Page path relative to the site root, e.g. `queuepool/`. */
  page: string;
  /** Files loaded, relative to the site root; `inline` for inline scripts. */
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  /** Whether the page hydrates at least one React island. */
  hasIslands: boolean;
}

interface HtmlNode {
  nodeName: string;
  attrs?: { name: string; value: string }[];
  childNodes?: HtmlNode[];
  value?: string;
  content?: HtmlNode;
}

const ISLAND_URL_ATTRIBUTES = ['component-url', 'renderer-url', 'before-hydration-url'];

/** Every `index.html` (and `404.html`) under `distDir`, as site-relative page paths. */
export async function listBuiltPages(distDir: string): Promise<string[]> {
  const entries = await readdir(distDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (e.name === 'index.html' || e.name === '404.html'))
    .filter((e) => !relative(distDir, e.parentPath).startsWith('pagefind'))
    .map((e) => {
      const dir = relative(distDir, e.parentPath).split('\\').join('/');
      const page =
        e.name === 'index.html' ? (dir ? `${dir}/` : '') : `${dir ? `${dir}/` : ''}404.html`;
      return page;
    })
    .sort();
}

function attr(node: HtmlNode, name: string): string | undefined {
  return node.attrs?.find((a) => a.name === name)?.value;
}

function* walk(node: HtmlNode): Generator<HtmlNode> {
  yield node;
  for (const child of node.childNodes ?? []) yield* walk(child);
  if (node.content) yield* walk(node.content);
}

function isExecutableScript(node: HtmlNode): boolean {
  const type = attr(node, 'type');
  return type === undefined || type === '' || type === 'module' || type === 'text/javascript';
}

/** The specifiers a module imports statically (loaded with it, not on demand). */
function staticImports(code: string): string[] {
  const [imports] = parseImports(code);
  return imports.flatMap((imp) =>
    imp.type === 'static' || imp.type === 'reexport-star' ? [imp.specifier] : [],
  );
}

/** Resolves a URL found in a page or a module to a path inside dist, or null if external. */
function toDistPath(url: string, fromDistPath: string, base: string): string | null {
  if (/^[a-z]+:/i.test(url) || url.startsWith('//')) return null;
  const clean = url.split(/[?#]/)[0] ?? '';
  if (clean.startsWith('/')) {
    if (!clean.startsWith(base)) return null;
    return clean.slice(base.length);
  }
  return posix.normalize(posix.join(posix.dirname(fromDistPath), clean));
}

/** Measures one page of a build published under `base` (e.g. `/` or `/pool-lab/`). */
export async function measurePage(distDir: string, page: string, base = '/'): Promise<PageWeight> {
  await init;
  const htmlPath = page.endsWith('.html') ? page : `${page}index.html`;
  const html = await readFile(join(distDir, htmlPath), 'utf8');
  const document = parseHtml(html) as unknown as HtmlNode;
  const files = new Set<string>();
  const queue: string[] = [];
  let inlineBytes = 0;
  let inlineGzip = 0;
  let hasIslands = false;

  const enqueue = (url: string | undefined, from: string) => {
    if (!url) return;
    const path = toDistPath(url, from, base);
    if (path && path.endsWith('.js') && !files.has(path)) {
      files.add(path);
      queue.push(path);
    }
  };

  for (const node of walk(document)) {
    if (node.nodeName === 'script' && isExecutableScript(node)) {
      const src = attr(node, 'src');
      if (src) enqueue(src, htmlPath);
      else {
        const text = (node.childNodes ?? []).map((c) => c.value ?? '').join('');
        inlineBytes += Buffer.byteLength(text);
        inlineGzip += gzipSync(text).length;
        // An inline module may import others statically.
        if (attr(node, 'type') === 'module') {
          for (const imp of staticImports(text)) enqueue(imp, htmlPath);
        }
      }
    } else if (node.nodeName === 'link' && attr(node, 'rel') === 'modulepreload') {
      enqueue(attr(node, 'href'), htmlPath);
    } else if (node.nodeName === 'astro-island') {
      hasIslands = true;
      for (const name of ISLAND_URL_ATTRIBUTES) enqueue(attr(node, name), htmlPath);
    }
  }

  let rawBytes = inlineBytes;
  let gzipBytes = inlineGzip;
  while (queue.length > 0) {
    const path = queue.shift() as string;
    const code = await readFile(join(distDir, path));
    rawBytes += code.length;
    gzipBytes += gzipSync(code).length;
    for (const imp of staticImports(code.toString('utf8'))) enqueue(imp, path);
  }
  return {
    page,
    files: [...files].sort().concat(inlineBytes > 0 ? ['inline'] : []),
    rawBytes,
    gzipBytes,
    hasIslands,
  };
}

export async function measureSite(distDir: string, base = '/'): Promise<PageWeight[]> {
  const pages = await listBuiltPages(distDir);
  return Promise.all(pages.map((page) => measurePage(distDir, page, base)));
}

/** JavaScript budgets in gzipped bytes. React DOM alone is about 66 KB gzipped. */
export const JS_BUDGET = {
  /** A page of text: Starlight's own scripts only. */
  textPage: 20_000,
  /** A page with widgets: React, the engine and the islands it shows. */
  widgetPage: 200_000,
} as const;

export interface BudgetViolation {
  page: string;
  gzipBytes: number;
  budget: number;
}

export function checkBudget(
  weights: PageWeight[],
  budget: { textPage: number; widgetPage: number } = JS_BUDGET,
): BudgetViolation[] {
  return weights
    .map((w) => ({
      page: w.page,
      gzipBytes: w.gzipBytes,
      budget: w.hasIslands ? budget.widgetPage : budget.textPage,
    }))
    .filter((v) => v.gzipBytes > v.budget);
}

export function formatKB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

export function pageWeightTable(weights: PageWeight[]): string {
  const rows = weights.map(
    (w) =>
      `  ${(w.page || '/').padEnd(40)} ${formatKB(w.rawBytes).padStart(10)} ${formatKB(w.gzipBytes).padStart(10)}  ${w.hasIslands ? 'islands' : 'text'}`,
  );
  return [`  ${'page'.padEnd(40)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)}`, ...rows].join(
    '\n',
  );
}
