// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import react from '@astrojs/react';
import mdx from '@astrojs/mdx';

// Where the site is published. Both can be set at build time so the same
// source serves from a domain root or from a sub-path (see README, "Hosting").
const site = process.env.POOLLAB_SITE || 'http://localhost:4321';
const base = process.env.POOLLAB_BASE || '/';

export default defineConfig({
  site,
  base,
  // A separate build cache lets two builds run side by side (see scripts/e2e-ports.mjs).
  ...(process.env.POOLLAB_CACHE_DIR ? { cacheDir: process.env.POOLLAB_CACHE_DIR } : {}),
  trailingSlash: 'always',
  // Everything the site needs ships with it: no fonts, analytics or CDNs.
  integrations: [
    starlight({
      title: 'Pool Lab',
      description:
        'An interactive field guide and simulator for database connection pooling in Flask + Gunicorn + SQLAlchemy + PostgreSQL, with and without PgBouncer.',
      sidebar: [{ label: 'Guide', items: [{ autogenerate: { directory: '' } }] }],
      customCss: ['./src/styles/site.css'],
      lastUpdated: false,
      pagefind: true,
    }),
    react(),
    mdx(),
  ],
});
