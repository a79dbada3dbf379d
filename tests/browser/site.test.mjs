// The reader's side of the example site, in headless Chromium: every page type loads
// cleanly, search, the graph, dark mode, the print packet and accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { start, axeViolations, screenshot, frontMatter, documents, PREFIX, SITE, SHOTS } from './harness.mjs';

const STRATEGY = 'strategies/harbour-ledger-extraction/';
const PAGE_TYPES = {
  home: '',
  'kind-index': 'strategies/',
  strategy: STRATEGY,
  vision: 'visions/ledger-as-source-of-truth/',
  decision: 'decisions/transactional-outbox-to-tally/',
  pattern: 'patterns/grand-migration/',
  page: 'runbooks/backups/',
  folder: 'runbooks/',
  tags: 'tags/',
  tag: 'tags/ledger/',
  graph: 'graph/',
  timeline: 'timeline/',
  packet: `${STRATEGY}packet/`,
  search: 'search/?q=ledger',
  status: 'status/',
  redirect: 'strategies/ledger-strangler/',
  'not-found': 'no-such-page/',
};

let site;
before(async () => {
  site = await start();
});
after(async () => {
  await site.close();
});

test('every page type loads without console errors, failed requests or other hosts', async () => {
  for (const [name, path] of Object.entries(PAGE_TYPES)) {
    const { page, context, problems } = await site.open(path, {
      expectStatus: name === 'not-found' ? 404 : undefined,
    });
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, [], `${name} (${path})`);
    if (name !== 'redirect') await screenshot(page, name);
    await context.close();
  }
});

test('pages fit a phone screen without sideways scrolling', async () => {
  for (const [name, path] of Object.entries(PAGE_TYPES)) {
    if (name === 'redirect') continue;
    const { page, context } = await site.open(path, {
      viewport: { width: 360, height: 740 },
      expectStatus: name === 'not-found' ? 404 : undefined,
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is ${overflow}px wider than a 360px screen`);
    if (name === 'home' || name === 'strategy') await screenshot(page, `${name}-phone`);
    await context.close();
  }
});

test('search finds a document by a word from its body, from the keyboard, under the prefix', async () => {
  const source = 'decisions/transactional-outbox-to-tally.md';
  const fm = frontMatter(source);
  const word = 'redelivery';
  const prose = fm.body.replace(/^```[\s\S]*?^```/gm, '');
  assert.ok(prose.toLowerCase().includes(word), 'the word is in the body, outside code');
  assert.ok(!`${fm.title} ${fm.summary}`.toLowerCase().includes(word), 'and only there');
  const target = `${PREFIX}decisions/transactional-outbox-to-tally/`;

  const { page, context, problems } = await site.open('patterns/grand-migration/');
  await page.locator('h1').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search-input', '"/" focuses search');
  await page.keyboard.type(word);
  const hit = page.locator(`.search-results a[href="${target}"]`);
  await hit.waitFor();
  assert.equal(await hit.locator('.kind-badge').textContent(), 'Decision', 'results show the kind');
  assert.equal(await hit.locator('.status').textContent(), fm.status, 'and the status');
  await screenshot(page, 'search-menu');

  // Down from the field reaches the results; Enter follows the focused one.
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
  assert.equal(focused, await page.locator('.search-results a').first().getAttribute('href'));
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search-input', 'Escape returns to the field');
  assert.ok(await page.locator('.search-panel').isHidden());

  // Enter in the field opens the full results page, which finds it too.
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/docs\/search\/\?q=/);
  await page.locator(`.search-page-results a[href="${target}"]`).waitFor();
  await page.locator(`.search-page-results a[href="${target}"]`).click();
  await page.waitForURL(site.origin + target);
  assert.deepEqual(problems, []);

  // A prefix of a word matches, and a word nowhere in the site finds nothing.
  await page.keyboard.press('/');
  await page.keyboard.type('redeliv');
  await page.locator(`.search-results a[href="${target}"]`).waitFor();
  await page.fill('#site-search-input', 'zzyzxnotaword');
  await page.locator('.search-status', { hasText: 'No document matches' }).waitFor();
  await context.close();
});

test('on a phone, a query lists titles linking to their pages from a few small files, and nothing overflows', async () => {
  const { page, context, problems } = await site.open('', { viewport: { width: 390, height: 844 } });
  const fetched = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(`${PREFIX}search`)) fetched.push(path.slice(PREFIX.length));
  });
  await page.fill('#site-search-input', 'ledger');
  const results = page.locator('.search-results a:not(.search-more a)');
  await results.first().waitFor();
  const shown = await results.evaluateAll((links) =>
    links.map((a) => ({ href: a.getAttribute('href'), title: a.querySelector('.result-title')?.textContent }))
  );
  assert.ok(shown.length >= 2, `results: ${JSON.stringify(shown)}`);
  for (const { href, title } of shown) {
    const rel = `${href.slice(PREFIX.length).replace(/\/$/, '')}.md`;
    assert.equal(title, frontMatter(rel).title, `${href} shows its document's title`);
  }
  const overflow = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('.search-panel, .search-panel *')].filter(
      (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
    );
    return { page: document.documentElement.scrollWidth - window.innerWidth, wide: wide.map((el) => el.className) };
  });
  assert.ok(overflow.page <= 0, `the page is ${overflow.page}px wider than a 390px screen`);
  assert.deepEqual(overflow.wide, [], 'nothing in the results sticks out');
  await screenshot(page, 'search-phone');

  // The manifest, the part of the words beginning "l" and the records shown: not the index.
  const manifest = JSON.parse(readFileSync(join(SITE, 'search.json'), 'utf8'));
  const parts = fetched.filter((f) => f.startsWith(manifest.words));
  assert.ok(manifest.parts.length >= 2, 'the example site is in more than one part');
  assert.equal(parts.length, 1, `one part fetched: ${fetched}`);
  assert.ok(fetched.includes('search.json'));
  const chunks = fetched.filter((f) => f.startsWith(manifest.records));
  assert.ok(chunks.length >= 1 && chunks.length <= Math.min(shown.length, manifest.docs / manifest.chunk));

  // A result's title is a link to that page.
  const first = shown[0];
  await results.first().click();
  await page.waitForURL(site.origin + first.href);
  assert.equal((await page.locator('h1').first().textContent()).trim(), first.title);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the graph shows every document, filters by kind and a click opens the document', async () => {
  const expected = ['visions', 'strategies', 'decisions', 'patterns'].flatMap(documents).length;
  const graph = JSON.parse(readFileSync(join(SITE, 'graph.json'), 'utf8'));
  assert.equal(graph.nodes.length, expected, 'graph.json has every document');
  const { page, context, problems } = await site.open('graph/');
  const nodes = page.locator('#relation-graph .node');
  assert.equal(await nodes.count(), expected, 'one box per document');
  assert.equal(await page.locator('#relation-graph .edge').count(), graph.edges.length);

  const patterns = documents('patterns').length;
  await page.getByRole('checkbox', { name: /Patterns/ }).uncheck();
  assert.equal(await page.locator('#relation-graph .node:visible').count(), expected - patterns);
  assert.match(await page.locator('.graph-count').innerText(), new RegExp(`Showing ${expected - patterns} of ${expected}`));
  await page.getByRole('checkbox', { name: /Patterns/ }).check();

  const vision = page.locator('#relation-graph .node[data-id="vision/ledger-as-source-of-truth"]');
  await vision.click();
  await page.waitForURL(`${site.origin}${PREFIX}visions/ledger-as-source-of-truth/`);
  // The document page draws its own neighbourhood, itself in the middle.
  const near = page.locator('.neighbourhood .graph-svg');
  assert.equal(await near.locator('.node.current').count(), 1);
  assert.ok((await near.locator('a.node').count()) >= 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard reaches the skip link first, focus shows, and heading anchors copy their link', async () => {
  const { page, context, problems } = await site.open(STRATEGY);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return { cls: el.className, left: box.left, outline: getComputedStyle(el).outlineStyle };
  });
  assert.equal(skip.cls, 'skip-link');
  assert.ok(skip.left >= 0, 'the skip link shows when focused');
  assert.notEqual(skip.outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  const anchor = page.locator('.prose h2 .anchor').first();
  const href = await anchor.evaluate((a) => a.href);
  await anchor.click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), href);
  await page.locator('.toast', { hasText: 'Link copied' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the dark-mode toggle persists across a reload', async () => {
  const { page, context, problems } = await site.open(STRATEGY, { colorScheme: 'light' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  const toggle = page.locator('.theme-toggle');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const dark = await background();
  assert.notEqual(dark, light);
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(), dark);
  assert.equal(await page.locator('.theme-toggle').getAttribute('aria-pressed'), 'true');
  await screenshot(page, 'strategy-dark');
  // And on another page of the site.
  await page.goto(site.url(''));
  assert.equal(await background(), dark);
  await page.locator('.theme-toggle').click();
  await page.reload();
  assert.equal(await background(), light);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the print packet holds the strategy, its vision, decisions and patterns', async () => {
  const strategy = frontMatter('strategies/harbour-ledger-extraction.md');
  const vision = frontMatter(`visions/${strategy.serves[0]}.md`);
  const decisions = documents('decisions')
    .map(frontMatter)
    .filter((d) => d.serves.includes('harbour-ledger-extraction'));
  const patterns = strategy.uses.map((p) => frontMatter(`patterns/${p}.md`));
  assert.ok(decisions.length >= 1 && patterns.length >= 1);

  const { page, context, problems } = await site.open(STRATEGY);
  await page.getByRole('link', { name: 'Review packet' }).click();
  await page.waitForURL(`${site.origin}${PREFIX}${STRATEGY}packet/`);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('.site-header').isHidden(), 'no site chrome on paper');
  const text = await page.locator('main').innerText();
  for (const doc of [strategy, vision, ...decisions, ...patterns]) {
    assert.ok(text.includes(doc.title), `the packet includes “${doc.title}”`);
  }
  const pdf = join(SHOTS, 'packet.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  assert.ok(statSync(pdf).size > 20000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe finds no serious or critical problems, in light and dark', async () => {
  const pages = { home: '', strategy: STRATEGY, graph: 'graph/', timeline: 'timeline/', packet: `${STRATEGY}packet/`, search: 'search/?q=ledger' };
  const failures = [];
  for (const scheme of ['light', 'dark']) {
    for (const [name, path] of Object.entries(pages)) {
      const { page, context } = await site.open(path, { colorScheme: scheme });
      await page.waitForLoadState('networkidle');
      for (const v of await axeViolations(page)) failures.push(`${name} (${scheme}): ${v}`);
      await context.close();
    }
  }
  assert.deepEqual(failures, []);
});
