import { describe, expect, it } from 'vitest';
import rehypeBaseLinks from '../../src/markdown/rehype-base-links.mjs';

const tree = (...hrefs: string[]) => ({
  type: 'root',
  children: hrefs.map((href) => ({
    type: 'element',
    tagName: 'a',
    properties: { href },
    children: [],
  })),
});
const hrefs = (t: ReturnType<typeof tree>) => t.children.map((c) => c.properties.href);

describe('rehype-base-links', () => {
  it('prefixes root-relative links with the base, once', () => {
    const t = tree(
      '/queuepool/#overflow',
      '/pool-lab/lab/',
      'https://example.com/',
      '#here',
      '//cdn.example/x',
    );
    rehypeBaseLinks({ base: '/pool-lab/' })(t);
    expect(hrefs(t)).toEqual([
      '/pool-lab/queuepool/#overflow',
      '/pool-lab/lab/',
      'https://example.com/',
      '#here',
      '//cdn.example/x',
    ]);
  });

  it('leaves links alone at the domain root', () => {
    const t = tree('/queuepool/');
    rehypeBaseLinks({ base: '/' })(t);
    expect(hrefs(t)).toEqual(['/queuepool/']);
  });
});
