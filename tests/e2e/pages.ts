// The site's pages, known from the sources so that the test list does not
// depend on a build being present when Playwright collects the tests.
import { readdirSync } from 'node:fs';

/** Site-relative paths of every chapter in `content/`, e.g. `''` and `queuepool/`. */
export function contentPages(contentDir = 'content'): string[] {
  return readdirSync(contentDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.mdx?$/.test(file) && !file.split('/').some((part) => part.startsWith('_')))
    .map((file) => file.replace(/\.mdx?$/, '').replace(/(^|\/)index$/, ''))
    .map((slug) => (slug ? `${slug.toLowerCase()}/` : ''))
    .sort();
}

/** Every page a reader can land on: the chapters and the 404 page. */
export function allPages(): string[] {
  return [...contentPages(), '404.html'];
}
