// A small static file server for the built site, bound to 127.0.0.1 on a free port. It
// serves the site under a path prefix (as a project page on a static host would) and
// answers unknown paths with the site's 404.html, as static hosts do.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export async function serve(root, prefix) {
  const top = normalize(root);
  async function file(path) {
    const full = normalize(join(top, path));
    if (full !== top && !full.startsWith(top + sep)) return null;
    try {
      const s = await stat(full);
      return s.isDirectory() ? file(join(path, 'index.html')) : { full, body: await readFile(full) };
    } catch {
      return null;
    }
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let found = null;
    if (url.pathname.startsWith(prefix)) {
      found = await file(decodeURIComponent(url.pathname.slice(prefix.length)));
    }
    if (found) {
      res.writeHead(200, { 'content-type': TYPES[extname(found.full)] || 'application/octet-stream' });
      res.end(found.body);
      return;
    }
    const missing = await file('404.html');
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    res.end(missing ? missing.body : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => new Promise((r) => server.close(r)) };
}
