// A plain static file server for the built site, as any static host would
// serve it: `node scripts/serve-static.mjs <dir> <base> <port>`.
// Requests outside <base> get 404, so a link that ignores the base path fails.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/**
 * Starts serving `dir` under the URL prefix `base` on 127.0.0.1:`port`.
 * @returns {Promise<import('node:http').Server>}
 */
export function serveStatic(dir, base, port) {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const files = sirv(dir, { dev: false, etag: true, extensions: ['html'] });
  const notFound = (res) => {
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain');
    res.end('Not found');
  };
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(prefix) && url !== prefix.slice(0, -1)) return notFound(res);
    req.url = `/${url.slice(prefix.length)}`;
    files(req, res, () => notFound(res));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', base = '/', port = '4321'] = process.argv.slice(2);
  await serveStatic(dir, base, Number(port));
  console.log(`Serving ${dir} at http://127.0.0.1:${port}${base}`);
}
