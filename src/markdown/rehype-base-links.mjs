// Chapters link to each other with root paths (`/queuepool/#overflow`). When the
// site is published under a sub-path (POOLLAB_BASE), those links must carry it:
// this rehype plugin prefixes the base to every root-relative link in the guide.
import { visit } from 'unist-util-visit';

/** @param {{ base: string }} options */
export default function rehypeBaseLinks({ base }) {
  const prefix = base.replace(/\/$/, '');
  return (tree) => {
    if (!prefix) return;
    visit(tree, 'element', (node) => {
      const href = node.tagName === 'a' ? node.properties?.href : undefined;
      if (typeof href !== 'string' || !href.startsWith('/') || href.startsWith('//')) return;
      if (href === prefix || href.startsWith(`${prefix}/`)) return;
      node.properties.href = `${prefix}${href}`;
    });
  };
}
