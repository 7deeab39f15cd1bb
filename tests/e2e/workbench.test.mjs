// The exercise panel as a workbench, against the sandbox: the CodeMirror editor loads on demand,
// the pre-check marks a mistake at its line before any request, Apply sends the editor's YAML
// into the learner's namespace, the object view and the Live verdict turn green, a refusal is
// marked at its line, drafts survive a reload, and the browser's pre-check reaches the server's
// verdict on every answer of the corpus (checks/tests/fixtures/answers).
// Needs the sandbox (KUBECONFIG; scripts/test keeps it up for the browser tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandboxServer, k, startBrowser, openPage, waitForPanel, setEditor, violations, artifacts, until, repo, NGX_DEPLOYMENT } from './harness.mjs';

const namespace = `e2e-bench-${process.pid}`;
let server;
let browser;

before(async () => {
  server = await startSandboxServer(namespace);
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const TYPO = readFileSync(join(repo, 'checks/tests/fixtures/answers/deployment--selector-typo.txt'), 'utf8');


test('pre-check marks a selector typo at its line before any request; Apply turns the object view and Live green', async () => {
  // axe is injected as a script: the page's CSP would refuse it (as it refuses any).
  const { page, problems, context } = await openPage(browser, server.base, { bypassCSP: true });
  const posts = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.locator('.cm-editor').waitFor();
  // The check engine (the pre-check's own WASM module) comes only when the learner types.
  const fetched = (name) => page.evaluate((name) =>
    performance.getEntriesByType('resource').some((e) => e.name.endsWith(name)), name);
  assert.equal(await fetched('/pkg/kubelab-precheck_bg.wasm'), false);
  // The editor chunk came on demand, and its size is what the learner paid for it.
  const chunk = await page.evaluate(() =>
    performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/pkg/editor.js')).map((e) => e.encodedBodySize)[0]);
  assert.ok(chunk > 0, 'editor.js was fetched');
  // The textarea stays the field of record, hidden behind the editor; the editor kept its label.
  assert.equal(await panel.locator('textarea.editor').isHidden(), true);
  assert.match(await panel.locator('.cm-content').getAttribute('aria-label'), /Your answer/);

  await setEditor(panel, TYPO);
  assert.equal(await panel.locator('textarea.editor').inputValue(), TYPO);
  const precheck = panel.locator('.precheck');
  await panel.locator('.precheck:not([data-problems="0"]):not([hidden])').waitFor();
  assert.match(await precheck.textContent(), /^Pre-check: \d+ problems?\. line 9: /);
  await panel.locator('.cm-lintRange-error').first().waitFor();
  assert.equal(await panel.locator('.cm-lint-marker-error').count() >= 1, true, 'a gutter mark');
  assert.equal(await fetched('/pkg/kubelab-precheck_bg.wasm'), true);
  assert.deepEqual(posts.filter((p) => p.startsWith('/api/exercises/')), [], 'no check was asked for');
  await panel.locator('.answer-form').screenshot({ path: join(artifacts, 'workbench-precheck.png') });
  assert.deepEqual(await violations(page), [], 'axe, with the editor and its marks');

  // The server agrees; its finding's position is a button that puts the cursor there.
  await panel.locator('.answer-form .check-btn').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor();
  await panel.locator('.goto-btn').first().click();
  await until('the cursor to be on line 9', () =>
    panel.locator('.cm-activeLine').evaluate((el) => el.textContent.includes('ngx-dep-typo')).catch(() => false));
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.cm-editor')), true);

  // Fixed, applied from the page: the object view draws the Deployment and its Pods, Live passes.
  await setEditor(panel, NGX_DEPLOYMENT);
  await panel.locator('.precheck[data-problems="0"]:not([hidden])').waitFor();
  await panel.locator('.live-toggle').click();
  await panel.locator('.live-note[data-state="watching"]').waitFor({ timeout: 15000 });
  await panel.locator('.apply-btn').click();
  await panel.locator('.apply-list li[data-outcome="applied"]').waitFor({ timeout: 30000 });
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 60000 });
  await panel.locator('.object-view g.g-node.ok[data-node="Deployment/ngx-dep"]').waitFor({ timeout: 30000 });
  assert.equal(await panel.locator('.object-view g.g-node[data-node^="Pod/"]').count(), 2);
  assert.match(await panel.locator('.object-list li[data-node="Deployment/ngx-dep"]').textContent(), /2\/2/);
  await panel.screenshot({ path: join(artifacts, 'workbench-applied.png') });
  assert.deepEqual(await violations(page), [], 'axe, with the object view');

  // A refusal is marked at its line: an IngressClass outside the learner's prefix.
  await setEditor(panel, `${NGX_DEPLOYMENT}---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: not-mine\nspec:\n  controller: example.com/x\n`);
  await panel.locator('.apply-btn').click();
  await panel.locator('.apply-result[data-state="refused"]').waitFor({ timeout: 30000 });
  const refused = (await panel.locator('.apply-result').textContent()).match(/IngressClass is shared by everyone.*?\(line (\d+)\)/);
  assert.ok(refused, await panel.locator('.apply-result').textContent());
  // The mark is on that line of the editor (the Deployment above it pre-checks clean).
  await panel.locator(`.cm-content .cm-line:nth-child(${refused[1]}) .cm-lintRange-error`).waitFor();

  // The draft survives a reload.
  await page.reload();
  const again = await waitForPanel(page, 'deployment');
  await again.locator('.cm-editor').waitFor();
  assert.match(await again.locator('.cm-content').textContent(), /IngressClass/);
  assert.deepEqual(problems, []);
  await context.close();
  report('editor chunk (gzip bytes over the wire)', chunk);
});

test('the object view shows the first broken link of a traffic path in the check\'s own words', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/service');
  const panel = await waitForPanel(page, 'fix-service-selector');
  await panel.locator('.start-btn').click();
  await panel.locator('.setup-note[data-state="done"]').waitFor({ timeout: 30000 });
  await panel.locator('.live-toggle').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 30000 });
  const broken = panel.locator('.objects-broken');
  await broken.waitFor({ timeout: 30000 });
  const node = await broken.getAttribute('data-node');
  assert.match(node, /^Service\//);
  // The same sentence as the verdict's first failure.
  const first = await panel.locator('.result.fail .result-message').first().textContent();
  assert.ok((await broken.textContent()).includes(first.trim()), `${await broken.textContent()} vs ${first}`);
  await panel.locator(`.object-view g.g-node.broken[data-node="${node}"]`).waitFor();
  await panel.locator('.object-view').screenshot({ path: join(artifacts, 'workbench-broken-link.png') });
  await context.close();
});

test('the browser\'s pre-check reaches the server\'s verdict on every answer of the corpus', async () => {
  const { page, problems, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  await waitForPanel(page, 'deployment');
  const dir = join(repo, 'checks/tests/fixtures');
  const corpus = readdirSync(join(dir, 'answers')).filter((f) => f.endsWith('.txt'))
    .map((f) => ({ id: f.split('--')[0], name: f, text: readFileSync(join(dir, 'answers', f), 'utf8') }));
  for (const d of readdirSync(dir)) {
    const f = join(dir, d, 'manifest.yaml');
    if (existsSync(f)) corpus.push({ id: d, name: `${d}/manifest.yaml`, text: readFileSync(f, 'utf8') });
  }
  assert.ok(corpus.length >= 15, `${corpus.length} answers`);
  const results = await page.evaluate(async (corpus) => {
    const m = await import('/pkg/kubelab-precheck.js');
    await m.default();
    const out = [];
    for (const { id, name, text } of corpus) {
      const rules = await (await fetch(`/api/exercises/${id}/rules`)).text();
      const t0 = performance.now();
      const runs = 20;
      let browser;
      for (let i = 0; i < runs; i++) browser = m.precheck(rules, text);
      const ms = (performance.now() - t0) / runs;
      const reply = await fetch(`/api/exercises/${id}/submit`, { method: 'POST', body: text, headers: { 'content-type': 'text/plain' } });
      out.push({ id, name, bytes: text.length, ms, browser: JSON.parse(browser), server: await reply.json() });
    }
    return out;
  }, corpus);
  let slowest = { ms: 0 };
  for (const r of results) {
    if (r.server.error) {
      assert.deepEqual(r.browser.refused?.message, r.server.error.message, r.name);
    } else {
      assert.deepEqual(r.browser.verdict, r.server, r.name);
    }
    if (r.ms > slowest.ms) slowest = r;
  }
  const largest = results.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  report('pre-check of the largest answer (ms, mean of 20)', `${largest.name} ${largest.bytes} B: ${largest.ms.toFixed(2)}`);
  report('slowest pre-check (ms, mean of 20)', `${slowest.name}: ${slowest.ms.toFixed(2)}`);
  // Refused answers are 422s, which the console reports; nothing else may show up.
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  await context.close();
});

/** Measurements for BENCHMARKS.md, in the artifacts. */
function report(what, value) {
  const line = `${what}: ${value}\n`;
  process.stdout.write(`[workbench] ${line}`);
  writeFileSync(join(artifacts, 'workbench-bench.txt'), line, { flag: 'a' });
}
