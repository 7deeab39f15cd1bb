// Keyboard only, in real Chromium and without a cluster: a learner joins a classroom and answers
// an exercise without touching the mouse, and every stop on the way shows where the focus is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerWithInstructor, startBrowser, openPage, until, artifacts } from './harness.mjs';

const EMAIL = 'keys@example.test';
const PASSWORD = 'correct horse battery staple';
const ANSWER = 'kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml';

let server;
let browser;
let dataDir;
let code;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-keys-'));
  server = await startServerWithInstructor(dataDir, EMAIL, PASSWORD, { HOME: artifacts });
  browser = await startBrowser();
  // The instructor's part is set up over the API; the learner's part below is the test.
  const r = await fetch(`${server.base}/api/teach/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  assert.equal(r.status, 200, await r.text());
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const created = await fetch(`${server.base}/api/teach/classrooms`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', origin: server.base },
    body: JSON.stringify({ name: 'Keyboard class' }),
  });
  const body = await created.text();
  assert.equal(created.status, 200, body);
  ({ code } = JSON.parse(body));
});

after(async () => {
  await browser?.close();
  const stopped = await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  assert.equal(stopped, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

/** What has the focus, and whether the page shows it (a focus ring or shadow). */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'BODY', visible: true };
    // The code editor draws its focus ring around the whole editor, not its text area.
    const s = getComputedStyle(el.closest('.cm-editor') ?? el);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    return {
      tag: el.tagName,
      text: (el.getAttribute('aria-label') || el.textContent || el.name || '').trim().slice(0, 60),
      visible: el.matches(':focus-visible') && ring,
      id: el.id,
    };
  });
}

/** Presses Tab until `selector` has the focus (at most `max` times); every stop must show focus.
 * An exercise editor keeps Tab for indenting; like its help text says, Esc then Tab leaves it. */
async function tabTo(page, selector, max = 400) {
  for (let i = 0; i < max; i++) {
    const inEditor = () => document.activeElement?.tagName === 'TEXTAREA' || !!document.activeElement?.closest('.cm-editor');
    if (await page.evaluate(inEditor)) await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.ok(f.visible, `focus is not visible on ${f.tag} "${f.text}"`);
    if (await page.evaluate((sel) => document.activeElement?.matches(sel), selector)) return i + 1;
  }
  assert.fail(`${selector} not reached in ${max} Tabs`);
}

test('keyboard only: a learner joins a classroom', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/me');
  await until('the join form', () =>
    page.evaluate(() => document.querySelector('.my-lab')?.dataset.state === 'signed-out'),
  );
  await tabTo(page, '#join-code');
  await page.keyboard.type(code);
  await tabTo(page, '#join-name', 1);
  await page.keyboard.type('Kay');
  await tabTo(page, '[data-form="join"] button[type="submit"]', 5);
  await page.keyboard.press('Enter');
  await until('signed in', () =>
    page.evaluate(() => document.querySelector('.my-lab')?.dataset.state === 'signed-in'),
  );
  assert.equal((await page.textContent('[data-field="classroom"]')).trim(), 'Keyboard class');
  await page.screenshot({ path: join(artifacts, 'keyboard-joined.png') });
  // Signed out, the island's first question is answered 401: expected, not a problem.
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.storageState({ path: join(artifacts, 'keyboard-learner.json') });
  await context.close();
});

test('keyboard only: the skip link, then an exercise answered and passed', async () => {
  const { page, problems, context } = await openPage(browser, server.base, {
    storageState: join(artifacts, 'keyboard-learner.json'),
  });
  await page.goto('/en/learn/yaml-api-objects');
  // The first Tab is the skip link; Enter jumps over the header and outline to the text.
  await tabTo(page, '.skip-link', 1);
  await page.keyboard.press('Enter');
  const panel = page.locator('.panel[data-exercise="kubectl-dry-run"]');
  // The textarea, or the code editor over it if its chunk came while the learner tabbed along.
  await tabTo(page, '.panel[data-exercise="kubectl-dry-run"] :is(textarea, .cm-content)');
  await page.keyboard.type(ANSWER);
  // Wait for the panel to work (its code loads as the learner reaches it), as the button shows.
  // Typing went on where it was when the editor took over from the textarea.
  await panel.and(page.locator('[data-ready]')).waitFor();
  await panel.locator('.cm-editor').waitFor();
  assert.equal(await panel.locator('textarea.editor').inputValue(), ANSWER);
  // Tab indents in the editor; Esc, then Tab, leaves it for the check button.
  await page.keyboard.press('Escape');
  await tabTo(page, '.panel[data-exercise="kubectl-dry-run"] button.check-btn', 1);
  await page.keyboard.press('Enter');
  await panel.locator('.verdict[data-passed="true"]').waitFor();
  await page.screenshot({ path: join(artifacts, 'keyboard-exercise-pass.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
