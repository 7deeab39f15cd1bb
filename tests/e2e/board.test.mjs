// The class board at classroom scale and its analytics, in real Chromium, without a cluster:
// learners join and submit an offline exercise over the API; the instructor's board lists the
// columns in course order under chapter headers, the analytics chart and its table show the pass
// rate (and follow a new pass live), and the analytics CSV has the same rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerWithInstructor, startBrowser, openPage, until, artifacts } from './harness.mjs';

const EMAIL = 'board@example.test';
const PASSWORD = 'correct horse battery staple';
const PASS = 'kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml';
const FAIL = 'kubectl get pods';

let server;
let browser;
let dataDir;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-board-'));
  server = await startServerWithInstructor(dataDir, EMAIL, PASSWORD, { HOME: artifacts });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  assert.equal(code, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

/** A learner joins `code` as `name` (own cookie jar) and submits `answer` to kubectl-dry-run. */
async function learnerSubmits(code, name, answer) {
  const join = await fetch(`${server.base}/api/session/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name }),
  });
  assert.equal(join.status, 200, await join.text());
  const cookie = join.headers.get('set-cookie').split(';')[0];
  if (!answer) return;
  const r = await fetch(`${server.base}/api/exercises/kubectl-dry-run/submit`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/plain' },
    body: answer,
  });
  assert.equal(r.status, 200, await r.text());
}

test('the board follows course order, its analytics show the pass rate live, and the analytics CSV agrees', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  const login = await page.request.post('/api/teach/login', { data: { email: EMAIL, password: PASSWORD } });
  assert.equal(login.status(), 200, await login.text());
  const created = await page.request.post('/api/teach/classrooms', { data: { name: 'Analytics class' } });
  assert.equal(created.status(), 200);
  const { id, code } = await created.json();

  // Three learners: one passes, one fails, one has not tried.
  await learnerSubmits(code, 'Ada', PASS);
  await learnerSubmits(code, 'Bo', FAIL);
  await learnerSubmits(code, 'Cy', null);

  await page.goto(`/en/teach/${id}`);
  await until('the live feed', async () => (await page.getAttribute('.class-board', 'data-feed')) === 'live');

  // Columns in course order, grouped under chapter headers that span exactly their columns.
  const heads = await page.$$eval('.matrix thead tr.exercises th[data-exercise]', (ths) =>
    ths.map((th) => th.dataset.exercise));
  const chapters = await page.$$eval('.matrix thead tr.chapters th[data-chapter]', (ths) =>
    ths.map((th) => ({ id: th.dataset.chapter, span: th.colSpan, text: th.textContent.trim() })));
  assert.equal(chapters.reduce((n, c) => n + c.span, 0), heads.length, 'chapter headers span every column');
  const at = (ex) => heads.indexOf(ex);
  assert.ok(at('deployment') >= 0 && at('daemonset-tolerations') > at('deployment'), `Deployment before DaemonSet: ${heads}`);
  assert.ok(at('pod-yaml') < at('deployment'), `YAML chapter first: ${heads}`);
  const chapterIds = chapters.map((c) => c.id);
  assert.ok(chapterIds.indexOf('deployment') < chapterIds.indexOf('daemonset'), `chapters: ${chapterIds}`);
  const dep = chapters.find((c) => c.id === 'deployment');
  assert.equal(dep.span, 3);
  assert.match(dep.text, /^Deployment\b/, 'the chapter header names the chapter');
  let col = 0;
  for (const c of chapters) {
    if (c.id === 'deployment') assert.deepEqual(heads.slice(col, col + c.span), ['deployment', 'deployment-scale', 'deployment-rollout']);
    col += c.span;
  }
  // The learner column and header are sticky inside the matrix's own scroll box; the page does not scroll sideways.
  assert.equal(await page.$eval('.matrix tbody .learner-col', (el) => getComputedStyle(el).position), 'sticky');
  assert.equal(await page.$eval('.matrix thead th', (el) => getComputedStyle(el).position), 'sticky');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no page-wide sideways scroll');
  assert.equal((await page.textContent('[data-field="page"]')).trim(), 'Page 1 of 1 · 3 learners');
  // One page: both pager buttons say what they do, and are off.
  for (const [action, text] of [['prev-page', '← Previous page'], ['next-page', 'Next page →']]) {
    const button = page.locator(`[data-action="${action}"]`);
    assert.equal((await button.textContent()).trim(), text);
    assert.equal(await button.isDisabled(), true, action);
  }

  // The pass-rate chart (SVG with a summary for screen readers) and its table: 1 of 3 = 33 %.
  const chart = page.locator('svg[data-chart="pass-rate"]');
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.match(await chart.getAttribute('aria-label'), /3 learners/);
  const rate = () => page.textContent('table[data-table="pass-rate"] tr[data-exercise="kubectl-dry-run"] td[data-field="pass-rate"]');
  assert.equal((await rate()).trim(), '33%');
  assert.equal((await chart.locator('g[data-key="kubectl-dry-run"] .chart-value').textContent()).trim(), '33%');
  // Where they are stuck: Bo's failing check is named by its message, not its id.
  const stuck = page.locator('table[data-table="stuck"] tr[data-exercise="kubectl-dry-run"]').first();
  const assertion = await stuck.getAttribute('data-assertion');
  const what = (await stuck.locator('th.stuck-what').textContent()).trim();
  assert.ok(what && what !== assertion, `named by its message: ${what} (${assertion})`);

  // Live: a fourth learner passes; the chart and table follow without a reload (2 of 4 = 50 %).
  await learnerSubmits(code, 'Di', PASS);
  await until('the pass rate to update live', async () => (await rate()).trim() === '50%');
  await page.screenshot({ path: join(artifacts, 'board-analytics.png'), fullPage: true });

  // The analytics CSV, linked next to the board CSV with the page's idle threshold.
  const href = await page.getAttribute('a[data-action="analytics-csv"]', 'href');
  assert.equal(href, `/api/teach/classrooms/${id}/analytics.csv?idle=15`);
  const csv = await page.request.get(href);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).trim().split(/\r?\n/);
  assert.equal(lines[0], 'metric,subject,label_zh,label_en,count,total,percent');
  const row = lines.find((l) => l.startsWith('pass_rate,kubectl-dry-run,'));
  assert.ok(row?.endsWith(',2,4,50'), `pass-rate row: ${row}`);
  assert.equal(lines.filter((l) => l.startsWith('pass_rate,')).length, heads.length);
  assert.ok(lines.some((l) => l.startsWith(`stuck,kubectl-dry-run/${assertion},`)), 'the stuck row');
  const bad = await page.request.get(`/api/teach/classrooms/${id}/analytics.csv?idle=0`);
  assert.equal(bad.status(), 400);

  assert.deepEqual(problems.filter((p) => !/status of 40[0139]/.test(p)), []);
  await context.close();
});
