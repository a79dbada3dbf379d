// The status page in headless Chromium: it turns itself into a warning when the checks have
// not run for longer than `status.stale_after`, and only then; and it passes axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, axeViolations, screenshot, SITE } from './harness.mjs';

let site;
// When the build ran its checks and how long that stays fresh, as the built page says.
let generated;
let staleAfter;
before(async () => {
  site = await start();
  const html = readFileSync(join(SITE, 'status/index.html'), 'utf8');
  const banner = html.match(/id="status-stale"[^>]*data-generated="([^"]+)" data-stale-after="(\d+)"/);
  assert.ok(banner, 'the status page carries its generation time');
  generated = Date.parse(banner[1]);
  staleAfter = Number(banner[2]) * 1000;
  assert.ok(generated > 0 && staleAfter > 0);
});
after(async () => {
  await site.close();
});

/// Opens `path` with the browser's clock fixed at `at` (ms since the epoch).
async function openAt(path, at) {
  const s = await site.open('', {});
  // Let the first page's own request for status.json finish, or leaving it aborts that.
  await s.page.waitForLoadState('networkidle');
  await s.page.clock.setFixedTime(new Date(at));
  await s.page.goto(site.url(path));
  return s;
}

/// The header learns the checks' time from status.json after the page loads.
async function headerSaysStale(page) {
  await page.waitForFunction(() => /stale/.test(document.querySelector('.status-summary').textContent), null, { timeout: 5000 });
}

test('a fresh status page shows no stale banner, up to stale_after', async () => {
  for (const at of [generated + 60_000, generated + staleAfter - 60_000]) {
    const { page, context, problems } = await openAt('status/', at);
    assert.ok(await page.locator('#status-stale').isHidden(), `banner hidden at ${new Date(at).toISOString()}`);
    await page.waitForLoadState('networkidle');
    assert.doesNotMatch(await page.locator('.status-summary').innerText(), /stale/);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a status page older than stale_after says so, and so does every header', async () => {
  const at = generated + staleAfter + 3 * 3600_000;
  const { page, context, problems } = await openAt('status/', at);
  const banner = page.locator('#status-stale');
  assert.ok(await banner.isVisible(), 'the banner shows');
  assert.equal(await banner.getAttribute('role'), 'alert');
  assert.match(await banner.innerText(), /stale/);
  await headerSaysStale(page);
  await screenshot(page, 'status-stale');
  await page.goto(site.url(''));
  await headerSaysStale(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe finds no serious or critical problems on the status page, light and dark', async () => {
  const failures = [];
  for (const scheme of ['light', 'dark']) {
    for (const at of [generated + 60_000, generated + staleAfter + 3600_000]) {
      const { page, context } = await site.open('', { colorScheme: scheme });
      await page.clock.setFixedTime(new Date(at));
      await page.goto(site.url('status/'));
      for (const v of await axeViolations(page)) failures.push(`${scheme}, ${at > generated + staleAfter ? 'stale' : 'fresh'}: ${v}`);
      if (scheme === 'light' && at < generated + staleAfter) await screenshot(page, 'status');
      await context.close();
    }
  }
  assert.deepEqual(failures, []);
});
