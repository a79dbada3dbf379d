// Finding one's way on a document page, as a reader sees it: breadcrumbs, the folder's
// documents in a sidebar that folds away on a phone, previous and next, the links to edit
// and view the source. Expected titles come
// from the content files, not from Cairn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, axeViolations, screenshot, documents, frontMatter, CONTENT } from './harness.mjs';

// Where site.yaml says the source is hosted (GitHub's edit and view paths by default).
const REPO = readFileSync(join(CONTENT, '..', 'site.yaml'), 'utf8').match(/^repository:.*url: "([^"]+)"/m)[1];

let site;
before(async () => {
  site = await start();
});
after(async () => {
  await site.close();
});

// The example's strategies have no `order`, so the sidebar is by title.
const strategies = documents('strategies')
  .map((rel) => ({ slug: rel.split('/')[1].replace(/\.md$/, ''), title: frontMatter(rel).title }))
  .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
const middle = strategies[Math.floor(strategies.length / 2)];

for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 390]) {
    test(`a strategy at ${width} px, ${scheme}: breadcrumbs, sidebar, previous and next`, async () => {
      const { page, context, problems } = await site.open(`strategies/${middle.slug}/`, {
        viewport: { width, height: 900 },
        colorScheme: scheme,
      });
      const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
      assert.ok(await crumbs.isVisible());
      assert.deepEqual(
        (await crumbs.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/^›\s*/, '').trim()),
        ['Home', 'Strategies', middle.title]
      );
      assert.equal(await crumbs.locator('[aria-current="page"]').innerText(), middle.title);

      const side = page.locator('details.section-nav');
      const list = side.locator('.section-docs');
      if (width === 390) {
        // Folded away on a phone, one tap opens it.
        assert.equal(await side.evaluate((d) => d.open), false);
        assert.ok(await list.isHidden(), 'the list is folded on a phone');
        await side.locator('summary').click();
      }
      assert.ok(await list.isVisible(), 'the folder is listed');
      assert.deepEqual(await list.getByRole('link').allInnerTexts(), strategies.map((s) => s.title));
      assert.equal(await list.locator('[aria-current="page"]').innerText(), middle.title);

      const i = strategies.indexOf(middle);
      const pager = page.getByRole('navigation', { name: /Previous and next/ });
      assert.match(await pager.locator('[rel="prev"]').innerText(), new RegExp(`Previous\\s+${strategies[i - 1].title}`));
      assert.match(await pager.locator('[rel="next"]').innerText(), new RegExp(`Next →\\s+${strategies[i + 1].title}`));
      // Connections: each document once, with how it is connected.
      const entries = page.locator('.connections .connection-list > li');
      const hrefs = await entries.evaluateAll((lis) => lis.map((li) => li.querySelector('a').getAttribute('href')));
      assert.ok(hrefs.length > 0);
      assert.equal(new Set(hrefs).size, hrefs.length, `no document twice: ${hrefs}`);
      for (const labels of await entries.locator('.relation-labels').allInnerTexts()) assert.notEqual(labels.trim(), '');
      const edit = page.getByRole('link', { name: 'Edit this page' });
      assert.ok(await edit.isVisible());
      assert.equal(await edit.getAttribute('href'), `${REPO}/edit/main/content/strategies/${middle.slug}.md`);
      assert.equal(
        await page.getByRole('link', { name: 'View source' }).getAttribute('href'),
        `${REPO}/blob/main/content/strategies/${middle.slug}.md`
      );
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, 'the page does not scroll sideways');
      for (const v of await axeViolations(page)) problems.push(v);
      if (scheme === 'light') await screenshot(page, `navigation-${width}`);
      await pager.locator('[rel="next"]').click();
      await page.waitForURL(`**/strategies/${strategies[i + 1].slug}/`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('without JavaScript the sidebar still opens and closes', async () => {
  const { page, context, problems } = await site.open(`strategies/${middle.slug}/`, {
    viewport: { width: 1280, height: 900 },
    javaScript: false,
  });
  const list = page.locator('details.section-nav .section-docs');
  assert.ok(await list.isHidden());
  await page.locator('details.section-nav summary').click();
  assert.ok(await list.isVisible());
  await page.locator('details.section-nav summary').click();
  assert.ok(await list.isHidden());
  assert.deepEqual(problems, []);
  await context.close();
});

// Every document page's neighbourhood: each caption and title line inside its box, and the
// caption's "left" and "right" where the neighbours are drawn.
for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 390]) {
    test(`neighbourhood captions fit and say where things are, ${width} px, ${scheme}`, async () => {
      const { page, context, problems } = await site.open('', { viewport: { width, height: 900 }, colorScheme: scheme });
      await page.waitForLoadState('networkidle');
      const folders = ['strategies', 'visions', 'patterns', 'decisions'];
      const bad = [];
      let drawn = 0;
      for (const folder of folders) {
        for (const rel of documents(folder)) {
          await page.goto(site.url(`${folder}/${rel.split('/')[1].replace(/\.md$/, '')}/`), { waitUntil: 'networkidle' });
          const seen = await page.evaluate(() => {
            const svg = document.querySelector('.neighbourhood svg');
            if (!svg) return null;
            const box = (g) => g.querySelector('rect.node-box').getBoundingClientRect();
            const over = [];
            for (const t of svg.querySelectorAll('text.node-caption, text.node-title')) {
              const b = box(t.parentNode);
              const r = t.getBoundingClientRect();
              if (r.right > b.right - 2 || r.left < b.left) over.push(t.textContent);
            }
            const me = box(svg.querySelector('.node.current'));
            const others = [...svg.querySelectorAll('.node:not(.current)')].map(box);
            return {
              caption: document.querySelector('.neighbourhood figcaption').textContent,
              over,
              left: others.some((b) => b.right <= me.left),
              right: others.some((b) => b.left >= me.right),
            };
          });
          if (!seen) continue;
          drawn++;
          for (const t of seen.over) bad.push(`${rel}: "${t}" sticks out of its box`);
          if (/on the left/.test(seen.caption) !== seen.left) bad.push(`${rel}: caption "${seen.caption}" but left side drawn: ${seen.left}`);
          if (/on the right/.test(seen.caption) !== seen.right) bad.push(`${rel}: caption "${seen.caption}" but right side drawn: ${seen.right}`);
        }
      }
      assert.ok(drawn > 10, `neighbourhoods drawn: ${drawn}`);
      assert.deepEqual(bad, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

/// The content file a document address points at: `/docs/patterns/backstop/` → patterns/backstop.md.
const fileOf = (href) => new URL(href, 'http://x').pathname.replace(/^\/docs\//, '').replace(/\/$/, '') + '.md';

for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 390]) {
    test(`link previews on hover and focus, ${width} px, ${scheme}`, async () => {
      const { page, context, problems } = await site.open(`strategies/${middle.slug}/`, { viewport: { width, height: 900 }, colorScheme: scheme });
      const link = page.locator('.connections .connection-list a').first();
      const want = frontMatter(fileOf(await link.getAttribute('href')));
      const tip = page.getByRole('tooltip');
      await link.hover();
      await tip.waitFor({ state: 'visible' });
      const text = await tip.innerText();
      assert.ok(text.includes(want.title), `${text} names ${want.title}`);
      if (want.status) assert.match(text, new RegExp(want.status, 'i'));
      if (want.summary) assert.ok(text.includes(want.summary.slice(0, 40)), `${text} has the summary`);
      assert.equal(await link.getAttribute('aria-describedby'), 'link-preview');
      const box = await tip.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= width, 'the preview is on screen');
      for (const v of await axeViolations(page)) problems.push(v);
      await page.mouse.move(0, 0);
      await tip.waitFor({ state: 'hidden' });
      // From the keyboard: focus shows it, Escape hides it.
      const other = page.locator('.connections .connection-list a').nth(1);
      await other.focus();
      await tip.waitFor({ state: 'visible' });
      assert.ok((await tip.innerText()).includes(frontMatter(fileOf(await other.getAttribute('href'))).title));
      await page.keyboard.press('Escape');
      await tip.waitFor({ state: 'hidden' });
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('without JavaScript a link is only a link', async () => {
  const { page, context, problems } = await site.open(`strategies/${middle.slug}/`, { javaScript: false });
  await page.locator('.connections .connection-list a').first().hover();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#link-preview').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
