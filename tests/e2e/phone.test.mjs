// Every page kind at 375 px wide (a small phone), in zh and en, in real Chromium and without a
// cluster: the page never scrolls sideways, and a full-page screenshot of each goes to the
// artifacts (artifacts/phone-375-*.png) for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerWithInstructor, startBrowser, until, artifacts } from './harness.mjs';

const EMAIL = 'phone@example.test';
const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let dataDir;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-phone-'));
  server = await startServerWithInstructor(dataDir, EMAIL, PASSWORD, { HOME: artifacts });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const stopped = await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  assert.equal(stopped, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

/** A 375 px wide context, touch, phone-sized. */
async function phone() {
  const context = await browser.newContext({
    baseURL: server.base,
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  return { context, page: await context.newPage() };
}

/** Waits for the page's islands (or none), then checks sideways scroll and takes the picture. */
async function check(page, path, name, ready) {
  const resp = await page.goto(path);
  assert.ok(resp.status() === 200 || (name.startsWith('not-found') && resp.status() === 404), `${path}: ${resp.status()}`);
  if (ready) await until(`${path} ready`, () => page.evaluate(ready));
  const wide = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: window.innerWidth,
    // The widest element that sticks out of the screen, to name in a failure.
    culprit: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)
      .slice(0, 3),
  }));
  await page.screenshot({ path: join(artifacts, `phone-375-${name}.png`), fullPage: true });
  assert.ok(wide.page <= wide.view, `${path} scrolls sideways: ${wide.page} > ${wide.view} px (${wide.culprit.join(', ')})`);
}

const state = (sel, st) => new Function(`return document.querySelector(${JSON.stringify(sel)})?.dataset.state === ${JSON.stringify(st)}`);

test('every page kind fits 375 px in zh and en', async () => {
  const { context, page } = await phone();
  const login = await page.request.post('/api/teach/login', { data: { email: EMAIL, password: PASSWORD } });
  assert.equal(login.status(), 200);
  const created = await page.request.post('/api/teach/classrooms', { data: { name: 'Phone class' } });
  const { id, code } = await created.json();

  const learner = await phone();
  const joined = await learner.page.request.post('/api/session/join', { data: { code, name: 'Pat' } });
  assert.equal(joined.status(), 200);

  for (const lang of ['zh', 'en']) {
    await check(learner.page, `/${lang}`, `home-${lang}`);
    await check(learner.page, `/${lang}/learn/deployment`, `lesson-${lang}`, () => !!document.querySelector('.copy-scope[data-ready]'));
    await check(learner.page, `/${lang}/learn/ingress`, `lesson-ingress-${lang}`);
    await check(learner.page, `/${lang}/me`, `my-lab-${lang}`, state('.my-lab', 'signed-in'));
    await check(page, `/${lang}/teach`, `teach-${lang}`, state('.teach-home', 'signed-in'));
    await check(page, `/${lang}/teach/${id}`, `board-${lang}`, () => document.querySelector('.class-board')?.dataset.feed === 'live');
    await check(learner.page, `/${lang}/nowhere`, `not-found-${lang}`);
  }
  const visitor = await phone();
  await check(visitor.page, '/en/me', 'my-lab-signed-out', state('.my-lab', 'signed-out'));
  await check(visitor.page, '/en/teach', 'teach-signed-out', state('.teach-home', 'signed-out'));
  await visitor.context.close();
  await learner.context.close();
  await context.close();
});
