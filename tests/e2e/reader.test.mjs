// The lesson reader in real Chromium: home, lesson, language switch, prev/next, copy, 404, phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, openPage, waitForHydration, waitForPanel, until, artifacts } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  // Graceful shutdown on SIGTERM: the process must exit cleanly.
  assert.equal(code, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

test('home lists the course in Chinese by default with no console errors', async () => {
  // A browser whose languages kubelab doesn't have gets the default: Chinese.
  const { page, problems, context } = await openPage(browser, server.base, { locale: 'fr-FR' });
  const resp = await page.goto('/');
  assert.equal(resp.status(), 200);
  assert.match(page.url(), /\/zh$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const chapters = await page.locator('.chapter-card a').count();
  assert.ok(chapters >= 2, `expected chapters on the home page, found ${chapters}`);
  await waitForNetworkIdle(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lesson loads the reader bundle first and the exercise panel only near an exercise', async () => {
  const { page, problems, context } = await openPage(browser, server.base, { viewport: { width: 1280, height: 800 } });
  const loaded = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/pkg/')) loaded.push(path);
  });
  await page.goto('/en/learn/deployment');
  await waitForHydration(page);
  await waitForNetworkIdle(page);
  assert.ok(loaded.includes('/pkg/kubelab-reader_bg.wasm'), loaded.join(' '));
  assert.ok(!loaded.some((p) => p.includes('exercise') || p.includes('teach') || p.includes('account')), loaded.join(' '));
  // What the browser fetched, compressed, for the page to read and copy: the budget is 120 KB.
  const bytes = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/pkg/'))
      .reduce((sum, e) => sum + e.encodedBodySize, 0),
  );
  assert.ok(bytes > 50_000 && bytes <= 120 * 1024, `lesson page loaded ${bytes} bytes of JS+WASM+CSS`);
  // Reaching the exercises brings the panel's code, and the panel works.
  await waitForPanel(page, 'deployment');
  assert.ok(loaded.includes('/pkg/kubelab-exercise_bg.wasm'), loaded.join(' '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a browser that prefers English lands on the English course', async () => {
  const { page, context } = await openPage(browser, server.base, { locale: 'en-US' });
  await page.goto('/');
  assert.match(page.url(), /\/en$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await context.close();
});

test('a lesson opens with its title, table of contents and outline', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/zh');
  await page.locator('.chapter-card a', { hasText: 'Deployment' }).first().click();
  await page.waitForURL(/\/zh\/learn\/deployment$/);
  const h1 = await page.textContent('main h1');
  assert.match(h1, /Deployment/);
  const tocLinks = await page.locator('.toc a').count();
  assert.ok(tocLinks >= 3, `expected a table of contents, found ${tocLinks} entries`);
  const current = await page.locator('.sidebar a[aria-current="page"]').getAttribute('href');
  assert.equal(current, '/zh/learn/deployment');
  // A TOC entry jumps to its heading.
  const first = page.locator('.toc a').first();
  const anchor = (await first.getAttribute('href')).slice(1);
  await first.click();
  await until('the hash to change', async () => (await page.evaluate(() => decodeURIComponent(location.hash))) === `#${anchor}`);
  await page.screenshot({ path: join(artifacts, 'lesson-zh.png'), fullPage: false });
  await waitForNetworkIdle(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('switching language keeps the page, and the choice sticks', async () => {
  const { page, context } = await openPage(browser, server.base, { locale: 'zh-CN' });
  await page.goto('/zh/learn/deployment');
  await page.click('.lang-switch');
  await page.waitForURL(/\/en\/learn\/deployment$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // The browser says Chinese, but the learner chose English: `/` must remember that.
  await page.goto('/');
  assert.match(page.url(), /\/en$/);
  await page.click('.lang-switch');
  await page.waitForURL(/\/zh$/);
  await page.goto('/');
  assert.match(page.url(), /\/zh$/);
  await context.close();
});

test('next and previous follow the course order', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  const title = await page.textContent('main h1');
  const nextTitle = (await page.textContent('.pager-next .pager-title')).trim();
  await page.click('.pager-next');
  await page.waitForURL((url) => !url.pathname.endsWith('/deployment'));
  assert.equal((await page.textContent('main h1')).trim(), nextTitle);
  await page.click('.pager-prev');
  await page.waitForURL(/\/en\/learn\/deployment$/);
  assert.equal(await page.textContent('main h1'), title);
  await context.close();
});

test('a copy button puts the code on the clipboard', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await page.goto('/en/learn/deployment');
  await waitForHydration(page);
  const button = page.locator('.code-block .copy-btn').first();
  const expected = await button.getAttribute('data-copy');
  assert.ok(expected && expected.length > 0);
  await button.click();
  await until('the button to confirm', async () => (await button.textContent()) === 'Copied');
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(clip, expected);
  // The label comes back so the button can be used again.
  await until('the label to reset', async () => (await button.textContent()) === 'Copy', { timeoutMs: 5000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a console block copies only the commands, not their output', async () => {
  const { page, context } = await openPage(browser, server.base);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await page.goto('/en/learn/deployment');
  await waitForHydration(page);
  const block = page.locator('.code-block[data-lang="console"]').first();
  await block.locator('.copy-btn').click();
  await until('copy', async () => (await block.locator('.copy-btn').textContent()) === 'Copied');
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  const shown = await block.locator('pre').textContent();
  assert.ok(clip.length > 0);
  assert.ok(!clip.includes('$ '), `prompts must not be copied: ${clip}`);
  assert.ok(shown.length > clip.length, 'the block shows output that is not copied');
  await context.close();
});

test('an unknown page is a 404 with a way back', async () => {
  const { page, context } = await openPage(browser, server.base);
  const resp = await page.goto('/en/learn/no-such-chapter');
  assert.equal(resp.status(), 404);
  assert.match(await page.textContent('main h1'), /Page not found/);
  await page.click('.not-found .button');
  await page.waitForURL(/\/en$/);
  await context.close();
});

test('keyboard: the first Tab reaches the skip link, which jumps to the text', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  await until('hash #main', async () => (await page.evaluate(() => location.hash)) === '#main');
  await context.close();
});

test('on a phone the lesson fits the screen without sideways scrolling', async () => {
  const { page, problems, context } = await openPage(browser, server.base, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await page.goto('/zh/learn/deployment');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  // The outline is folded away so the text comes first.
  assert.equal(await page.locator('.outline').getAttribute('open'), null);
  await page.screenshot({ path: join(artifacts, 'lesson-phone.png') });
  await waitForNetworkIdle(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark mode follows the system setting', async () => {
  const { page, context } = await openPage(browser, server.base, { colorScheme: 'dark' });
  await page.goto('/en/learn/deployment');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, `expected a dark background, got ${bg}`);
  await page.screenshot({ path: join(artifacts, 'lesson-dark.png') });
  await context.close();
});

async function waitForNetworkIdle(page) {
  await page.waitForLoadState('networkidle');
}
