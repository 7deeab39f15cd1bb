// The cluster panel against the real sandbox control plane: Live turns green without a reload.
// Needs the sandbox (KUBECONFIG from `source ~/.cache/kubelab/sandbox.env`; scripts/test keeps it
// up for the browser tests); it fails without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSandboxServer, k, startBrowser, openPage, waitForPanel, setEditor, artifacts, until, NGX_DEPLOYMENT } from './harness.mjs';

const namespace = `e2e-panel-${process.pid}`;
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

test('Live shows the failing verdict, then turns green when the Deployment becomes available', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.locator('.live-toggle').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 15000 });
  await panel.locator('.live-note[data-state="watching"]').waitFor();

  k(['apply', '-n', namespace, '-f', '-'], NGX_DEPLOYMENT);
  // kwok makes the Pods ready; the watch pushes the new verdict without a reload.
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 60000 });
  assert.equal(await panel.locator('.result.fail').count(), 0);
  await page.screenshot({ path: join(artifacts, 'exercise-live-pass.png'), fullPage: false });

  // Toggling off closes the stream.
  await panel.locator('.live-toggle').click();
  await panel.locator('.live-note[data-state="off"]').waitFor({ state: 'attached' });
  await context.close();
});

test('Start creates a break-fix exercise\'s broken objects; Check names the broken field; Reset puts them back', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/service');
  const panel = await waitForPanel(page, 'fix-target-port');
  const note = panel.locator('.setup-note');
  assert.match(await note.textContent(), /Deployment\/api-dep, Service\/api-svc/);

  await panel.locator('.start-btn').click();
  await panel.locator('.setup-note[data-state="done"]').waitFor({ timeout: 30000 });
  assert.equal(
    await note.textContent(),
    `Created in namespace ${namespace}: Deployment/api-dep, Service/api-svc.`,
  );
  const targetPort = () =>
    k(['get', 'service', 'api-svc', '-n', namespace, '-o', 'jsonpath={.spec.ports[0].targetPort}']);
  assert.equal(targetPort(), '8080');

  await panel.locator('.check-btn').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 30000 });
  assert.match(await panel.locator('.result.fail').first().textContent(), /targetPort/);

  // The learner repairs the Service; Reset breaks it again.
  k(['patch', 'service', 'api-svc', '-n', namespace, '--type', 'json', '-p',
    '[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]']);
  assert.equal(targetPort(), '80');
  await panel.locator('.reset-btn').click();
  await until('the reset to finish', async () => /^Reset:/.test((await note.textContent()) ?? ''), { timeoutMs: 60000 });
  assert.equal(targetPort(), '8080');
  await page.screenshot({ path: join(artifacts, 'exercise-start-reset.png'), fullPage: false });
  await context.close();
});

test('Apply from the page: a foreign namespace is refused at its line; dry run stores nothing; Apply and Delete do', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  // The deployment exercise has an answer editor: Apply sends its YAML (the box is open).
  const box = panel.locator('.apply-box');
  await panel.locator('.cm-editor').waitFor();
  const result = box.locator('.apply-result');
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-page\ndata:\n  greeting: hello\n';
  const exists = () => {
    try {
      k(['get', 'configmap', 'from-page', '-n', namespace]);
      return true;
    } catch {
      return false;
    }
  };

  await setEditor(panel, `${configMap}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: kube-system\n`);
  await box.locator('.apply-btn').click();
  await box.locator('.apply-result[data-state="refused"]').waitFor({ timeout: 30000 });
  assert.match(await result.textContent(), /names namespace kube-system, but yours is .*\(line 12\)/);
  assert.equal(exists(), false, 'nothing is applied when one document is refused');

  await setEditor(panel, configMap);
  await box.locator('.dry-run-btn').click();
  await box.locator('.apply-list li[data-outcome="wouldapply"]').waitFor({ timeout: 30000 });
  assert.equal(exists(), false, 'a dry run stores nothing');

  await box.locator('.apply-btn').click();
  await box.locator('.apply-list li[data-outcome="applied"]').waitFor({ timeout: 30000 });
  assert.equal(k(['get', 'configmap', 'from-page', '-n', namespace, '-o', 'jsonpath={.data.greeting}']), 'hello');

  await box.locator('.apply-delete-btn').click();
  await box.locator('.apply-list li[data-outcome="deleted"]').waitFor({ timeout: 30000 });
  await until('the ConfigMap to be gone', async () => !exists());
  await page.screenshot({ path: join(artifacts, 'exercise-apply.png'), fullPage: false });
  await context.close();
});
