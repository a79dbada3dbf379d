// Shared set-up for the browser tests: the served site, one headless Chromium, pages that
// record every console error, failed request and request to another host, axe-core, and
// a little front-matter reading so tests know what the content says independently of Cairn.
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

export const PREFIX = '/docs/';
export const SITE = process.env.CAIRN_SITE;
export const CONTENT = process.env.CAIRN_CONTENT;
export const SHOTS = process.env.CAIRN_SCREENSHOTS;
if (!SITE || !CONTENT || !SHOTS) {
  throw new Error('run the browser tests with tests/browser/run, which builds the site first');
}
mkdirSync(SHOTS, { recursive: true });

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function start() {
  const server = await serve(SITE, PREFIX);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const origin = `http://127.0.0.1:${server.port}`;
  return {
    origin,
    url: (path) => origin + PREFIX + path,
    /// A fresh context (its own storage) and page; `problems` collects what must not happen.
    async open(path, options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport || { width: 1280, height: 900 },
        colorScheme: options.colorScheme || 'light',
        javaScriptEnabled: options.javaScript !== false,
      });
      const problems = [];
      await context.route('**/*', (route) => {
        const u = new URL(route.request().url());
        if (u.hostname !== '127.0.0.1') {
          problems.push(`request to another host: ${u.href}`);
          return route.abort();
        }
        return route.continue();
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        // Chromium logs the expected status of a not-found page as an error too.
        const expected = options.expectStatus && m.text().includes(`status of ${options.expectStatus}`);
        if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => {
        if (!problems.some((p) => p.includes(r.url()))) problems.push(`failed: ${r.url()}`);
      });
      page.on('response', (r) => {
        const main = r.request().isNavigationRequest();
        if (r.status() >= 400 && !(main && options.expectStatus === r.status())) {
          problems.push(`HTTP ${r.status()}: ${r.url()}`);
        }
      });
      await page.goto(this.url(path), { waitUntil: 'load' });
      return { page, context, problems };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/// Serious and critical axe-core violations on the page, as readable lines.
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] })
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/// The front matter of a content file, read with a few regular expressions: enough for
/// titles and one-line lists, and independent of Cairn's own parser.
export function frontMatter(rel) {
  const text = readFileSync(join(CONTENT, rel), 'utf8');
  const yaml = text.split(/^---$/m)[1] || '';
  const value = (key) => {
    const m = yaml.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'));
    return m ? m[1].trim().replace(/^"(.*)"$/, '$1') : undefined;
  };
  const list = (key) => {
    const v = value(key);
    return v ? v.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean) : [];
  };
  return { text, body: text.split(/^---$/m).slice(2).join('---'), title: value('title'), status: value('status'), summary: value('summary'), serves: list('serves'), uses: list('uses'), draft: value('draft') };
}

/// Content files of a folder (documents only, not folder introductions).
export function documents(folder) {
  return readdirSync(join(CONTENT, folder))
    .filter((f) => f.endsWith('.md') && f !== '_index.md')
    .map((f) => `${folder}/${f}`)
    .filter((rel) => frontMatter(rel).draft !== 'true');
}
