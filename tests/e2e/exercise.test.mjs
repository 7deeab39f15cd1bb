// The exercise panel in real Chromium: a Dockerfile checked offline, a quiz, and a cluster
// exercise on a server with no cluster connected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startBrowser, openPage, waitForPanel, setEditor, until, repo, artifacts } from './harness.mjs';

let server;
let browser;

before(async () => {
  // No kubeconfig anywhere: cluster checks must say so, readably.
  server = await startServer({
    env: { KUBECONFIG: undefined, KUBELAB_KUBECONFIG: undefined, KUBELAB_CONTEXT: undefined, HOME: artifacts },
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  const code = await server?.stop();
  assert.equal(code, 0, `kubelab did not exit cleanly on SIGTERM:\n${server?.log()}`);
});

/** The correct option ids of a quiz, read from its spec (the page never has them). */
function quizAnswers(id) {
  const spec = readFileSync(join(repo, 'content/exercises', `${id}.yaml`), 'utf8');
  const answers = {};
  let question = null;
  for (const line of spec.split('\n')) {
    const q = line.match(/^ {2}- id: (\S+)/);
    if (q) question = q[1];
    const a = line.match(/^ {4}answer: \[(.*)\]/);
    if (a && question) answers[question] = a[1].split(',').map((s) => s.trim());
  }
  return answers;
}

async function answerQuiz(panel, answers) {
  for (const [question, options] of Object.entries(answers)) {
    const field = panel.locator(`fieldset[data-question="${question}"]`);
    for (const option of options) await field.locator(`input[value="${option}"]`).check();
  }
}

const BAD_DOCKERFILE = `FROM nginx:latest
COPY index.html /usr/share/nginx/html/
RUN apk add --no-cache curl && rm -rf /tmp/*
EXPOSE 80
`;

test('a Dockerfile with nginx:latest fails on the base image with its hint; the fix passes', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/dockerfile');
  const panel = await waitForPanel(page, 'dockerfile');
  // The code editor arrives on demand over the textarea (which stays, hidden, as the field of
  // record) and keeps its label.
  const editor = panel.locator('.cm-content');
  await editor.waitFor();
  const field = panel.locator('textarea.editor');
  assert.equal(await field.getAttribute('spellcheck'), 'false');
  assert.match(await editor.getAttribute('aria-label'), /Dockerfile/);

  // Tab indents inside the editor instead of leaving it.
  await editor.click();
  await page.keyboard.press('Tab');
  assert.equal(await field.inputValue(), '  ');
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.cm-editor')), true);

  await setEditor(panel, BAD_DOCKERFILE);
  await panel.getByRole('button', { name: 'Check my answer' }).click();
  const verdict = panel.locator('.verdict');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-passed'), 'false');
  const base = panel.locator('.result[data-assertion="base-image"]');
  assert.match(await base.getAttribute('class'), /\bfail\b/);
  assert.equal((await base.locator('.mark').textContent()).trim(), '✗');
  const baseText = await base.textContent();
  assert.match(baseText, /Write FROM nginx:1\.30-alpine/, 'the hint for the base image');
  assert.match(baseText, /latest/, 'what was found');
  // The other rules hold, and say so.
  assert.equal(await panel.locator('.result.pass').count(), 3);
  await page.screenshot({ path: join(artifacts, 'exercise-dockerfile-fail.png'), fullPage: false });

  await setEditor(panel, BAD_DOCKERFILE.replace('nginx:latest', 'nginx:1.30-alpine'));
  await panel.getByRole('button', { name: 'Check my answer' }).click();
  await panel.locator('.verdict[data-passed="true"]').waitFor();
  assert.equal(await panel.locator('.result.fail').count(), 0);
  assert.equal(await panel.locator('.result.pass').count(), 4);
  assert.match(await panel.locator('.verdict-summary').textContent(), /All checks pass/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('hints come one at a time', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/zh/learn/dockerfile');
  const panel = await waitForPanel(page, 'dockerfile');
  const button = panel.locator('.hint-btn');
  assert.equal(await panel.locator('.hint-list li').count(), 0);
  await button.click();
  await until('the first hint', async () => (await panel.locator('.hint-list li').count()) === 1);
  await button.click();
  await button.click();
  await until('all three hints', async () => (await panel.locator('.hint-list li').count()) === 3);
  assert.ok(await button.isDisabled());
  assert.match(await button.textContent(), /提示已经全部显示/);
  await context.close();
});

test('a quiz: a wrong answer fails on that question, the right answers pass', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/registries');
  const panel = await waitForPanel(page, 'image-tags');
  // The page holds the questions but not the answers.
  assert.doesNotMatch(await page.content(), /"answer"|explanation/);
  const answers = quizAnswers('image-tags');
  const first = Object.keys(answers)[0];
  const wrong = (await panel.locator(`fieldset[data-question="${first}"] input`).evaluateAll((els) => els.map((e) => e.value)))
    .find((v) => !answers[first].includes(v));
  await answerQuiz(panel, { ...answers, [first]: [wrong] });
  await panel.getByRole('button', { name: 'Submit answers' }).click();
  await panel.locator('.verdict[data-passed="false"]').waitFor();
  const failed = await panel.locator('.result.fail').evaluateAll((els) => els.map((e) => e.dataset.assertion));
  assert.deepEqual(failed, [first]);

  await panel.locator(`fieldset[data-question="${first}"] input[value="${answers[first][0]}"]`).check();
  await panel.getByRole('button', { name: 'Submit answers' }).click();
  await panel.locator('.verdict[data-passed="true"]').waitFor();
  assert.equal(await panel.locator('.result.pass').count(), Object.keys(answers).length);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a cluster exercise without a cluster says so readably, for Check and for Live', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.getByRole('button', { name: 'Check now' }).click();
  const error = panel.locator('.verdict-error');
  await error.waitFor();
  const text = await error.textContent();
  assert.match(text, /no cluster connected/);
  assert.doesNotMatch(text, /[{}]|"code"/, 'no raw JSON');

  // Live cannot connect either: the toggle turns itself off and the reason shows.
  await page.reload();
  const again = await waitForPanel(page, 'deployment');
  const toggle = again.locator('.live-toggle');
  await toggle.click();
  await again.locator('.verdict-error').waitFor();
  assert.match(await again.locator('.verdict-error').textContent(), /no cluster connected/);
  await until('the live toggle to turn off', async () => (await toggle.getAttribute('aria-pressed')) === 'false');
  await page.screenshot({ path: join(artifacts, 'exercise-no-cluster.png'), fullPage: false });
  await context.close();
});

test('the panel works on a phone in Chinese', async () => {
  const { page, context } = await openPage(browser, server.base, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await page.goto('/zh/learn/yaml-api-objects');
  const panel = await waitForPanel(page, 'kubectl-dry-run');
  await setEditor(panel, 'kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml');
  await panel.getByRole('button', { name: '检查我的答案' }).click();
  await panel.locator('.verdict[data-passed="true"]').waitFor();
  assert.match(await panel.locator('.verdict-summary').textContent(), /全部通过/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'exercise-phone-zh.png'), fullPage: false });
  await context.close();
});

test('with gated progress on, a later chapter\'s panel says what to finish first; the lesson stays readable', async () => {
  const { page, context } = await openPage(browser, server.base);
  const started = await page.request.post(`${server.base}/api/session/start`, { data: {} });
  assert.equal(started.status(), 200);
  await page.goto('/en/me');
  const gate = page.locator('input[data-field="gating"]');
  await gate.waitFor();
  assert.equal(await gate.isChecked(), false);
  await until('the switch to be usable', async () => !(await gate.isDisabled()));
  await gate.check();
  await until('gating to be on', async () => {
    const me = await page.request.get(`${server.base}/api/me`);
    return (await me.json()).gating?.gated === true;
  });

  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  const note = panel.locator('.locked-note');
  await note.waitFor({ timeout: 15000 });
  assert.match(await note.innerText(), /not open yet: first pass the exercises of “.+” \(still to pass: .+\)/);
  for (const button of await panel.locator('.check-btn').all()) assert.ok(await button.isDisabled());
  assert.equal(await panel.locator('.check-btn').count(), 2, 'Check my answer (offline) and Check now');
  assert.ok(await panel.locator('.live-toggle').isDisabled(), 'Live cannot be switched on either');
  assert.ok((await page.locator('article, main').first().innerText()).length > 1000, 'the lesson text is there');
  await panel.screenshot({ path: join(artifacts, 'exercise-locked.png') });

  // Off again: the panel opens.
  const off = await page.request.put(`${server.base}/api/me/gated`, { data: { gated: false } });
  assert.equal(off.status(), 200);
  await page.reload();
  const open = await waitForPanel(page, 'deployment');
  await until('the summary to arrive', () =>
    page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/api/me/summary'))),
  );
  assert.equal(await open.locator('.locked-note').count(), 0);
  await context.close();
});
