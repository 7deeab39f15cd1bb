// Accessibility audit with axe-core (npm) in real Chromium: every page type — home, a lesson, My
// lab, the instructor's classrooms, a class board, not-found — in zh and en, light and dark, must
// have no serious or critical violation. No cluster: the pages render the same without one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerWithInstructor, startBrowser, openPage, until, waitForHydration, violations } from './harness.mjs';

const EMAIL = 'a11y@example.test';
const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let dataDir;
let classroomId;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-a11y-'));
  server = await startServerWithInstructor(dataDir, EMAIL, PASSWORD);
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});


/** Pages to audit; `ready` waits until the page's islands show their real state. */
const pages = (lang) => [
  { name: 'home', path: `/${lang}`, ready: (page) => page.waitForLoadState('networkidle') },
  { name: 'lesson', path: `/${lang}/learn/deployment`, ready: waitForHydration },
  {
    name: 'search',
    path: `/${lang}/search?q=${lang === 'zh' ? encodeURIComponent('污点') : 'taint'}`,
    ready: (page) => page.locator('.search-hit mark').first().waitFor(),
  },
  {
    name: 'my lab',
    path: `/${lang}/me`,
    ready: (page) => page.locator('.my-lab[data-state="signed-out"]').waitFor(),
  },
  {
    name: 'teach',
    path: `/${lang}/teach`,
    signedIn: true,
    ready: (page) => page.locator(`[data-classroom="${classroomId}"]`).first().waitFor(),
  },
  {
    name: 'board',
    path: () => `/${lang}/teach/${classroomId}`,
    signedIn: true,
    ready: (page) =>
      until('the live board', async () => (await page.getAttribute('.class-board', 'data-feed')) === 'live'),
  },
  {
    name: 'not found',
    path: `/${lang}/no-such-page`,
    expectStatus: 404,
    ready: (page) => page.waitForLoadState('networkidle'),
  },
];

test('an instructor with a classroom, for the signed-in pages', async () => {
  const { page, context } = await openPage(browser, server.base);
  const login = await page.request.post('/api/teach/login', { data: { email: EMAIL, password: PASSWORD } });
  assert.equal(login.status(), 200, await login.text());
  const created = await page.request.post('/api/teach/classrooms', { data: { name: 'Accessible class' } });
  assert.equal(created.status(), 200);
  ({ id: classroomId } = await created.json());
  await context.storageState({ path: join(dataDir, 'instructor.json') });
  await context.close();
});

for (const lang of ['zh', 'en']) {
  for (const scheme of ['light', 'dark']) {
    test(`axe: no serious or critical violations on every page type (${lang}, ${scheme})`, async () => {
      assert.ok(classroomId, 'needs the classroom from the first test');
      const failures = [];
      for (const p of pages(lang)) {
        const { page, context } = await openPage(browser, server.base, {
          colorScheme: scheme,
          // axe is injected as a script the page's own CSP (rightly) refuses.
          bypassCSP: true,
          ...(p.signedIn ? { storageState: join(dataDir, 'instructor.json') } : {}),
        });
        const path = typeof p.path === 'function' ? p.path() : p.path;
        const resp = await page.goto(path);
        assert.equal(resp.status(), p.expectStatus ?? 200, `${path}`);
        if (p.ready) await p.ready(page);
        // The document says which language it is in, so screen readers pick the right voice.
        assert.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en', `${path}: html lang`);
        for (const v of await violations(page)) failures.push(`${p.name} ${path}: ${v}`);
        await context.close();
      }
      assert.deepEqual(failures, []);
    });
  }
}
