// Accounts in real Chromium against the sandbox cluster: an instructor signs in and creates a
// classroom, a learner joins it in another browser context and gets a namespace, applies the
// deployment exercise with their downloaded kubeconfig and sees it pass; the instructor's board
// turns green without a reload, and the CSV export has the pass.
// Needs KUBECONFIG (the sandbox; scripts/test keeps it up for the browser tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, startBrowser, openPage, waitForPanel, until, artifacts, kubectl, NGX_DEPLOYMENT } from './harness.mjs';


const EMAIL = 'teacher@example.test';
const PASSWORD = 'correct horse battery staple';

let server;
let browser;
let dataDir;
let classroom; // { id, code }
let learnerNs; // the namespace the learner got

/** Chromium logs every 4xx fetch as a console error; a signed-out page starts with a 401 on purpose. */
function realProblems(problems) {
  return problems.filter((p) => !/Failed to load resource: the server responded with a status of 40[0139]/.test(p));
}

/** The page's state attribute is set by the island, so this also waits for hydration. */
async function waitForState(page, selector, state) {
  await until(`${selector} to be ${state}`, () =>
    page.evaluate(([sel, st]) => document.querySelector(sel)?.dataset.state === st, [selector, state]),
  );
}

before(async () => {
  assert.ok(process.env.KUBECONFIG, 'KUBECONFIG is not set: source ~/.cache/kubelab/sandbox.env');
  dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-accounts-'));
  const database = `sqlite://${join(dataDir, 'kubelab.db')}`;
  const add = spawnSync(
    process.env.KUBELAB_BIN,
    ['instructor', 'add', EMAIL, '--password-stdin', '--database', database],
    { input: `${PASSWORD}\n`, encoding: 'utf8' },
  );
  assert.equal(add.status, 0, `kubelab instructor add failed:\n${add.stdout}\n${add.stderr}`);
  server = await startServer({ args: ['--database', database] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  assert.equal(code, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

test('the account pages render their shell for anyone', async () => {
  for (const [path, h1] of [['/en/me', 'My lab'], ['/zh/teach', '教师'], ['/en/teach/0', 'Classroom board']]) {
    const resp = await fetch(`${server.base}${path}`);
    assert.equal(resp.status, 200, path);
    const html = await resp.text();
    assert.ok(html.includes(`<h1>${h1}</h1>`), `${path} has its heading`);
    assert.ok(html.includes('<leptos-island'), `${path} has its island`);
  }
});

test('an instructor signs in and creates a classroom with a join code', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/teach');
  await waitForState(page, '.teach-home', 'signed-out');

  // A wrong password is refused without saying which part was wrong.
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await until('the login error', async () =>
    /email or password is wrong/i.test((await page.textContent('.login-form')) ?? ''),
  );

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForState(page, '.teach-home', 'signed-in');
  assert.equal(await page.textContent('[data-field="email"]'), EMAIL);

  await page.getByLabel('Classroom name').fill('Monday workshop');
  await page.getByRole('button', { name: 'Create' }).click();
  const card = page.locator('.classroom', { hasText: 'Monday workshop' });
  await card.waitFor();
  const code = (await card.locator('[data-field="join-code"]').textContent()).trim();
  assert.match(code, /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/, `join code looks like one: ${code}`);
  classroom = { id: await card.getAttribute('data-classroom'), code };
  assert.ok(classroom.id, 'the classroom card carries its id');

  // A reload keeps the session: the classroom is still listed.
  await page.reload();
  await waitForState(page, '.teach-home', 'signed-in');
  await page.locator('.classroom', { hasText: 'Monday workshop' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'teach-classrooms.png') });
  assert.deepEqual(realProblems(problems), []);
  await context.storageState({ path: join(artifacts, 'instructor-state.json') });
  await context.close();
});

test('a learner joins with code and name and sees their namespace', async () => {
  assert.ok(classroom, 'needs the classroom from the previous test');
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/me');
  await waitForState(page, '.my-lab', 'signed-out');

  // A wrong code gets an error in the join form, and nobody is signed in.
  await page.getByLabel('Join code').fill('ZZZZ-ZZZZ');
  await page.getByLabel('Your name').fill('Ada');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('[data-form="join"] .notice-bad').waitFor();
  assert.equal(await page.getAttribute('.my-lab', 'data-state'), 'signed-out');

  await page.getByLabel('Join code').fill(classroom.code);
  await page.getByRole('button', { name: 'Join' }).click();
  await waitForState(page, '.my-lab', 'signed-in');
  const ns = (await page.textContent('[data-field="namespace"]')).trim();
  assert.match(ns, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `a DNS-1123 namespace: ${ns}`);
  assert.equal((await page.textContent('[data-field="classroom"]')).trim(), 'Monday workshop');
  assert.ok((await page.textContent('[data-field="resume-code"]')).trim().length >= 4);

  // The session survives a reload.
  await page.reload();
  await waitForState(page, '.my-lab', 'signed-in');
  assert.equal((await page.textContent('[data-field="namespace"]')).trim(), ns);
  await page.screenshot({ path: join(artifacts, 'me-signed-in.png'), fullPage: true });
  assert.deepEqual(realProblems(problems), []);
  learnerNs = ns;
  await context.storageState({ path: join(artifacts, 'learner-state.json') });
  await context.close();
});

test('the instructor board shows the learner row', async () => {
  assert.ok(classroom, 'needs the classroom from the earlier test');
  const { page, problems, context } = await openPage(browser, server.base, {
    storageState: join(artifacts, 'instructor-state.json'),
  });
  await page.goto(`/en/teach/${classroom.id}`);
  const row = page.locator('tr[data-learner]', { hasText: 'Ada' });
  await row.waitFor();
  const learner = await row.getAttribute('data-learner');
  const cells = row.locator('td[data-exercise]');
  const exercises = await page.locator('.matrix thead th[data-exercise]').count();
  assert.ok(exercises > 0, 'the board lists the course exercises');
  assert.equal(await cells.count(), exercises, 'one cell per exercise');
  for (const td of await cells.all()) {
    assert.equal(await td.getAttribute('data-learner'), learner);
    assert.match(await td.getAttribute('data-status'), /^(passed|failing|not-started)$/);
  }
  // The board is live over SSE.
  await until('the live feed', async () => (await page.getAttribute('.class-board', 'data-feed')) === 'live');

  // A cell opens that learner's history for the exercise.
  await cells.first().locator('button').click();
  const history = page.locator('.history');
  await history.waitFor();
  assert.equal(await history.getAttribute('data-learner'), learner);
  await until('the history to load', async () => !/Loading/.test((await history.textContent()) ?? ''));

  // Grading everyone reports what it did.
  await page.getByRole('button', { name: 'Grade all now' }).click();
  await until('the grade result', async () =>
    /Checked \d+, passed \d+|cluster/i.test((await page.textContent('[data-field="action-result"]')) ?? ''),
  );
  await page.screenshot({ path: join(artifacts, 'teach-board.png'), fullPage: true });
  assert.deepEqual(realProblems(problems), []);
  await context.close();
});

test('the learner passes the deployment exercise and the board turns green live; the CSV has it', async () => {
  assert.ok(classroom && learnerNs, 'needs the classroom and the learner from the earlier tests');
  const teacher = await openPage(browser, server.base, { storageState: join(artifacts, 'instructor-state.json') });
  await teacher.page.goto(`/en/teach/${classroom.id}`);
  await until('the live feed', async () => (await teacher.page.getAttribute('.class-board', 'data-feed')) === 'live');
  const row = teacher.page.locator('tr[data-learner]', { hasText: 'Ada' });
  await row.waitFor();
  const cell = row.locator('td[data-exercise="deployment"]');
  assert.notEqual(await cell.getAttribute('data-status'), 'passed');

  const learner = await openPage(browser, server.base, { storageState: join(artifacts, 'learner-state.json') });
  // The learner's own kubeconfig works in their namespace (and is what they would use).
  const resp = await learner.page.request.get(`${server.base}/api/me/kubeconfig`);
  assert.equal(resp.status(), 200, await resp.text());
  const kubeconfig = join(dataDir, 'learner-kubeconfig.yaml');
  writeFileSync(kubeconfig, await resp.text());
  const applied = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
    input: NGX_DEPLOYMENT,
    encoding: 'utf8',
  });
  assert.match(applied, /deployment.apps\/ngx-dep (created|configured)/);
  const other = spawnSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'pods', '-n', 'kube-system'], { encoding: 'utf8' });
  assert.notEqual(other.status, 0, 'the learner kubeconfig must not read kube-system');
  assert.match(other.stderr, /forbidden/i);

  await learner.page.goto('/en/learn/deployment');
  const panel = await waitForPanel(learner.page, 'deployment');
  await panel.locator('.live-toggle').click();
  // kwok makes the Pods ready; Live pushes the passing verdict.
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 60000 });
  await learner.page.screenshot({ path: join(artifacts, 'learner-deployment-pass.png') });

  // The instructor's board, open all along, turns green without a reload.
  await until('the board cell to turn green', async () => (await cell.getAttribute('data-status')) === 'passed', {
    timeoutMs: 20000,
  });
  await teacher.page.screenshot({ path: join(artifacts, 'teach-board-green.png'), fullPage: true });

  const csv = await teacher.page.request.get(`${server.base}/api/teach/classrooms/${classroom.id}/export.csv`);
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.match(text, new RegExp(`^Ada,${learnerNs},deployment,passed,\\d{4}-\\d\\d-\\d\\dT[^,]+Z,\\d+$`, 'm'), text);
  assert.deepEqual(realProblems(teacher.problems), []);
  assert.deepEqual(realProblems(learner.problems), []);
  await learner.context.close();
  await teacher.context.close();
});

test('on a phone the learner page fits without sideways scrolling', async () => {
  const { page, context } = await openPage(browser, server.base, { viewport: { width: 390, height: 844 } });
  await page.goto('/zh/me');
  await waitForState(page, '.my-lab', 'signed-out');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  await page.screenshot({ path: join(artifacts, 'me-phone.png'), fullPage: true });
  await context.close();
});

test('a lesson shows the learner their last verdict and chapter progress without a click', async () => {
  assert.ok(learnerNs, 'needs the learner who passed the deployment exercise');
  const learner = await openPage(browser, server.base, { storageState: join(artifacts, 'learner-state.json') });
  const { page } = learner;
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  // The page is the cached one everybody gets; the island fills in the stored verdict.
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 15000 });
  assert.match(
    await panel.locator('.verdict-when').innerText(),
    /^Last checked: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
  );
  // The outline's bar for the chapter: deployment passed, deployment-scale and deployment-rollout not tried.
  const bar = page.locator('.outline li[data-chapter="deployment"] [role="progressbar"]');
  await bar.waitFor({ state: 'attached' });
  assert.equal(await bar.getAttribute('aria-valuenow'), '1');
  assert.equal(await bar.getAttribute('aria-valuemax'), '3');
  assert.equal(await bar.getAttribute('aria-valuetext'), '1/3 passed');
  // The lesson's own header shows the same count.
  assert.equal(await page.locator('.lesson-head [role="progressbar"]').getAttribute('aria-valuenow'), '1');
  // The summary is asked once for all islands on the page.
  const asked = await page.evaluate(
    () => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/me/summary')).length,
  );
  assert.equal(asked, 1);
  await page.screenshot({ path: join(artifacts, 'learner-lesson-progress.png') });

  // A visitor gets the same page with no verdict and no bars.
  const visitor = await openPage(browser, server.base);
  await visitor.page.goto('/en/learn/deployment');
  const empty = await waitForPanel(visitor.page, 'deployment');
  await until('the visitor summary to arrive', () =>
    visitor.page.evaluate(
      () => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/me/summary')),
    ),
  );
  assert.equal(await empty.locator('.verdict').count(), 0);
  assert.equal(await visitor.page.locator('[role="progressbar"]').count(), 0);
  assert.deepEqual(realProblems(learner.problems), []);
  assert.deepEqual(realProblems(visitor.problems), []);
  await visitor.context.close();
  await learner.context.close();
});
