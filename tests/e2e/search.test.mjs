// Search across the course in real Chromium, by keyboard: the header's box, Enter, Tab to a
// result, Enter, and the learner is at the section. Also phones (375 px) and dark mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, openPage, until, artifacts } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  assert.equal(code, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

/** Presses Tab until `matches(activeElement)` holds; fails after `max` presses. */
async function tabTo(page, what, matches, max = 20) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error(`${max} Tabs did not reach ${what}`);
}

/** The section with this id is on screen: the browser followed the anchor. */
async function sectionOnScreen(page, id) {
  return page.evaluate((id) => {
    const h = document.getElementById(id);
    if (!h) return false;
    const r = h.getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  }, id);
}

for (const { lang, from, query, chapter, anchor } of [
  { lang: 'en', from: '/en/learn/dockerfile', query: 'taint', chapter: 'daemonset', anchor: 'taints-a-node-saying-keep-out' },
  { lang: 'en', from: '/en', query: 'NodePort range', chapter: 'service', anchor: 'nodeport-opening-up-to-the-outside' },
  { lang: 'zh', from: '/zh', query: '滚动更新', chapter: 'deployment', anchor: '滚动更新-不停服换版本' },
  { lang: 'zh', from: '/zh/learn/service', query: '污点', chapter: 'daemonset', anchor: '污点-节点在说-别过来' },
]) {
  test(`${lang}: "${query}" typed in the header, Enter, Tab, Enter lands on ${chapter}#${anchor}`, async () => {
    const { page, problems, context } = await openPage(browser, server.base);
    await page.goto(from);
    await tabTo(page, 'the header search box', () => document.activeElement?.id === 'header-search-q');
    await page.keyboard.type(query);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/${lang}/search` && url.searchParams.get('q') === query);
    const first = page.locator('.search-hit-link').first();
    assert.equal(await first.getAttribute('href'), `/${lang}/learn/${chapter}#${anchor}`);
    assert.ok(await page.locator('.search-hit').first().locator('mark').count() > 0, 'the snippet marks the words');
    // From the top of the page, Tab walks the header and the form, then the results in order.
    await tabTo(page, 'the first result', () => document.activeElement?.classList.contains('search-hit-link'));
    assert.equal(
      await page.evaluate(() => document.activeElement.getAttribute('href')),
      `/${lang}/learn/${chapter}#${anchor}`,
    );
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/${lang}/learn/${chapter}`);
    assert.equal(await page.evaluate(() => decodeURIComponent(location.hash)), `#${anchor}`);
    await until('the section to be on screen', () => sectionOnScreen(page, anchor));
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('nothing found says so, and a query over the bound is refused, in both languages', async () => {
  const { page, context } = await openPage(browser, server.base);
  let resp = await page.goto('/en/search?q=qqqzzzxxx');
  assert.equal(resp.status(), 200);
  assert.match(await page.textContent('main'), /No section matches/);
  resp = await page.goto('/zh/search?q=qqqzzzxxx');
  assert.match(await page.textContent('main'), /没有找到匹配的小节/);
  resp = await page.goto(`/zh/search?q=${'长'.repeat(201)}`);
  assert.equal(resp.status(), 400);
  assert.match(await page.textContent('main [role="alert"]'), /最多 200 个字符/);
  // The box itself never sends more than the bound.
  assert.equal(await page.getAttribute('#header-search-q', 'maxlength'), '200');
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`on a 375 px phone (${colorScheme}) results fit the screen and the header box stays usable`, async () => {
    const { page, problems, context } = await openPage(browser, server.base, {
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme,
    });
    await page.goto(`/zh/search?q=${encodeURIComponent('污点 容忍度')}`);
    assert.ok((await page.locator('.search-hit').count()) > 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    const box = await page.locator('#header-search-q').boundingBox();
    assert.ok(box && box.width >= 80, `header search box is ${box?.width}px wide`);
    // One row: no link or button squeezed into a column of single characters.
    const header = await page.locator('.site-header').boundingBox();
    assert.ok(header.height <= 64, `the header is ${header.height}px tall`);
    const button = await page.locator('.search-form .button').boundingBox();
    assert.ok(button.height <= 56, `the search button is ${button.height}px tall`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert.equal(r + g + b < 150, colorScheme === 'dark', `background ${bg} in ${colorScheme} mode`);
    await page.screenshot({ path: join(artifacts, `search-phone-${colorScheme}.png`) });
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
