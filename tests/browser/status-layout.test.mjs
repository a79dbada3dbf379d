// The status page as a person reads it, on a laptop, a tablet and a phone: every row's message is on
// screen, nothing sticks out past the right edge, and no word is broken across two lines.
// The rows are compared with status.json, which the page is built from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, axeViolations, screenshot, SITE } from './harness.mjs';

let site;
let rows;
before(async () => {
  site = await start();
  rows = JSON.parse(readFileSync(join(SITE, 'status/status.json'), 'utf8')).rows;
  assert.ok(rows.length > 3, 'the example site has status rows');
});
after(async () => {
  await site.close();
});

/// What the page shows: elements past the right edge, row cells off screen, and words that
/// start on one line and end on the next.
function measure() {
  const width = document.documentElement.clientWidth;
  const overflowing = [];
  for (const el of document.querySelectorAll('body *')) {
    const b = el.getBoundingClientRect();
    if (b.width > 0 && b.height > 0 && b.right > width + 0.5) {
      overflowing.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(b.right)}px`);
    }
  }
  const shown = (el) => {
    const b = el.getBoundingClientRect();
    return el.checkVisibility() && b.width > 0 && b.height > 0 && b.left >= 0 && b.right <= width + 0.5;
  };
  const broken = [];
  const cells = [...document.querySelectorAll('.status-row td')];
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A line may end after a space, a hyphen or a slash; anywhere else is inside a word.
      const re = /[^\s\-/]+[-/]?/g;
      for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    overflowing,
    broken,
    rows: [...document.querySelectorAll('.status-row')].map((tr) => {
      const cell = (c) => tr.querySelector(`.status-${c}`);
      return {
        display: getComputedStyle(tr).display,
        level: cell('level').querySelector('.level').innerText.trim(),
        check: cell('check').innerText.trim(),
        item: cell('item').innerText.trim(),
        message: cell('message').innerText.trim(),
        shown: ['level', 'check', 'item', 'message'].filter((c) => shown(cell(c))),
        link: tr.querySelector('.status-link') ? shown(tr.querySelector('.status-link')) : null,
        since: shown(cell('since')) ? cell('since').innerText.trim() : '',
      };
    }),
  };
}

for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 800, 390]) {
    test(`status page at ${width} px, ${scheme}: every row readable, nothing overflows`, async () => {
      const { page, context, problems } = await site.open('status/', {
        viewport: { width, height: 900 },
        colorScheme: scheme,
      });
      const seen = await page.evaluate(measure);
      assert.equal(seen.scrollWidth, seen.width, 'the page does not scroll sideways');
      assert.deepEqual(seen.overflowing, [], 'no element sticks out past the right edge');
      assert.deepEqual(seen.broken, [], 'no word is broken across two lines');
      assert.equal(seen.rows.length, rows.length, 'one row per row of status.json');
      seen.rows.forEach((row, i) => {
        const want = rows[i];
        assert.equal(row.level, want.level);
        assert.equal(row.check, want.check);
        assert.equal(row.item, want.item);
        assert.ok(row.message.startsWith(want.message), `row ${i} shows its message`);
        assert.deepEqual(row.shown, ['level', 'check', 'item', 'message'], `row ${i} (${want.item}): all of it on screen`);
        if (want.link) assert.equal(row.link, true, `row ${i}: its link is on screen`);
        if (want.since) assert.notEqual(row.since, '', `row ${i}: since when is on screen`);
        // A table on a laptop, a card on a phone.
        // Rows are cards up to 70rem (1120 px): with its recent runs a row needs the width.
        assert.equal(row.display, width > 1120 ? 'table-row' : 'flex', `row ${i} layout`);
      });
      if (width <= 1120) {
        // Cards stack: each starts below the one before and spans the column.
        const boxes = await page.locator('.status-row').evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().toJSON()));
        for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom, `card ${i} is below card ${i - 1}`);
        for (const b of boxes) assert.ok(b.width > width * 0.8, 'a card spans the column');
      }
      for (const v of await axeViolations(page)) problems.push(v);
      if (scheme === 'light' && width === 390) await screenshot(page, 'status-390');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
