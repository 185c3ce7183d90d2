// Chapters are published under a base path on some hosts (POOLLAB_BASE), and
// Markdown links are not rewritten: a root link (`](/queuepool/)`) would skip
// the base. Chapters link relatively (`](../queuepool/)`); components use BASE_URL.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('links in chapters', () => {
  it('are relative, so that they keep the base path', () => {
    const offending = readdirSync('content')
      .filter((f) => f.endsWith('.mdx'))
      .flatMap((f) =>
        readFileSync(`content/${f}`, 'utf8')
          .split('\n')
          .map((line, i) => ({ f, i, line }))
          .filter(({ line }) => /\]\(\/(?!\/)/.test(line) || /href="\/(?!\/)/.test(line))
          .map(({ f, i }) => `content/${f}:${i + 1}`),
      );
    expect(offending).toEqual([]);
  });
});
