// Apply from the page → the Live verdict turns green, RUNS times, against the sandbox
// (BENCHMARKS.md); in the same run, what a learner would do instead in a terminal: kubectl apply,
// then kubectl wait until the Deployment is available.
// usage: node bench-apply.mjs RUNS   (KUBECONFIG of the sandbox; KUBELAB_BIN, KUBELAB_SITE_ROOT as for the e2e tests)
import { startSandboxServer, k, startBrowser, waitForPanel, setEditor, NGX_DEPLOYMENT } from './harness.mjs';

const runs = Number(process.argv[2]);
if (!Number.isInteger(runs) || runs < 1 || !process.env.KUBECONFIG) {
  console.error('usage: KUBECONFIG=<sandbox> node bench-apply.mjs RUNS');
  process.exit(2);
}
const namespace = `bench-apply-${process.pid}`;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x) => `${Math.round(x)} ms`;

// Each Apply and Delete counts as an attempt: lift the per-minute cap so the runs are not refused.
const server = await startSandboxServer(namespace, ['--submissions-per-minute', '10000']);
const browser = await startBrowser();
try {
  const page = await (await browser.newContext({ baseURL: server.base })).newPage();
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.locator('.cm-editor').waitFor();
  await setEditor(panel, NGX_DEPLOYMENT);
  await panel.locator('.live-toggle').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 30000 });
  const page_ = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await panel.locator('.apply-btn').click();
    await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 120000 }).catch(async (e) => {
      console.error(await panel.innerText());
      throw e;
    });
    page_.push(performance.now() - t0);
    await panel.locator('.apply-delete-btn').click();
    await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 120000 });
    k(['wait', '--for=delete', 'pod', '-l', 'app=ngx-dep', '-n', namespace, '--timeout=120s']);
  }
  const cli = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    k(['apply', '-n', namespace, '-f', '-'], NGX_DEPLOYMENT);
    k(['wait', '--for=condition=available', 'deployment/ngx-dep', '-n', namespace, '--timeout=120s']);
    cli.push(performance.now() - t0);
    k(['delete', 'deployment', 'ngx-dep', '-n', namespace, '--wait=true']);
    k(['wait', '--for=delete', 'pod', '-l', 'app=ngx-dep', '-n', namespace, '--timeout=120s']);
  }
  console.log('| way | runs | p50 | p99 |');
  console.log('|---|---|---|---|');
  console.log(`| page: Apply → Live verdict passes | ${runs} | ${ms(pct(page_, 50))} | ${ms(pct(page_, 99))} |`);
  console.log(`| terminal: kubectl apply + kubectl wait --for=condition=available | ${runs} | ${ms(pct(cli, 50))} | ${ms(pct(cli, 99))} |`);
} finally {
  await browser.close();
  await server.stop();
}
