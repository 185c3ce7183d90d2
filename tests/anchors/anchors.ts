// Postmortems link to sections of the guide, so a published page and its
// section anchors must never disappear. `published.json` records them; the
// end-to-end gate fails when the built site lacks one, and asks for new ones
// to be recorded (`npm run anchors:record`) so that they are kept from then on.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'parse5';
import { listBuiltPages } from '../bench/page-weight';

export type AnchorMap = Record<string, string[]>;

export const REGISTRY = new URL('./published.json', import.meta.url);

interface Node {
  nodeName: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.childNodes ?? []) yield* walk(child);
  if (node.content) yield* walk(node.content);
}

const HEADING = /^h[2-6]$/;

/** Every chapter page of a build (not the 404 page) with the ids of its section headings. */
export async function builtAnchors(distDir: string): Promise<AnchorMap> {
  const map: AnchorMap = {};
  for (const page of await listBuiltPages(distDir)) {
    if (page.endsWith('404.html')) continue;
    const html = await readFile(join(distDir, page, 'index.html'), 'utf8');
    const ids = new Set<string>();
    for (const node of walk(parse(html) as unknown as Node)) {
      const id = node.attrs?.find((a) => a.name === 'id')?.value;
      if (id && HEADING.test(node.nodeName) && !id.startsWith('starlight__')) ids.add(id);
    }
    map[`/${page}`] = [...ids].sort();
  }
  return map;
}

export async function recordedAnchors(): Promise<AnchorMap> {
  return JSON.parse(await readFile(REGISTRY, 'utf8')) as AnchorMap;
}

/** What the registry has that the build lacks (broken links), and what the build adds. */
export function compareAnchors(recorded: AnchorMap, built: AnchorMap) {
  const missing: string[] = [];
  const unrecorded: string[] = [];
  for (const [page, anchors] of Object.entries(recorded)) {
    if (!built[page]) missing.push(page);
    else for (const a of anchors) if (!built[page].includes(a)) missing.push(`${page}#${a}`);
  }
  for (const [page, anchors] of Object.entries(built)) {
    if (!recorded[page]) unrecorded.push(page);
    for (const a of anchors) if (!recorded[page]?.includes(a)) unrecorded.push(`${page}#${a}`);
  }
  return { missing, unrecorded };
}

/** The registry with the build's new pages and anchors added; nothing is ever removed. */
export function mergeAnchors(recorded: AnchorMap, built: AnchorMap): AnchorMap {
  const merged: AnchorMap = {};
  for (const page of [...new Set([...Object.keys(recorded), ...Object.keys(built)])].sort()) {
    merged[page] = [...new Set([...(recorded[page] ?? []), ...(built[page] ?? [])])].sort();
  }
  return merged;
}
