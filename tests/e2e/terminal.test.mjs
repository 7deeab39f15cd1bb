// The terminal's path from the page, against the sandbox (issue #12, in progress: the WebSocket
// and the shell; the xterm.js island is still to come): a learner's page opens
// /api/me/terminal, types `kubectl create deployment …` into their toolbox's shell (kwok runs
// it on this machine as the learner ServiceAccount, docs/SANDBOX.md), and the Deployment
// exercise's Live panel turns green without a reload; the shell cannot reach another namespace;
// a second connection comes back to the same session with what the first left on the screen;
// a pasted multi-line heredoc arrives whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, k, startBrowser, openPage, waitForPanel, until } from './harness.mjs';

// Per-learner namespaces (the terminal's `auto` turns it on): each learner's own ServiceAccount,
// Role, quota and policies, as kubelab provisions them.
const prefix = `e2e-t${process.pid}-`;
let server;
let browser;

before(async () => {
  assert.ok(process.env.KUBECONFIG, 'KUBECONFIG is not set: source ~/.cache/kubelab/sandbox.env');
  server = await startServer({ args: ['--namespace-prefix', prefix] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  const mine = k(['get', 'namespaces', '-o', 'name']).split('\n').filter((n) => n.startsWith(`namespace/${prefix}`));
  if (mine.length) k(['delete', ...mine, '--wait=false']);
});

/** Opens the terminal's WebSocket in the page; its output collects in window.__term[i]. */
async function connect(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    window.__term ??= [];
    const i = window.__term.length;
    window.__term.push('');
    const ws = new WebSocket(`ws://${location.host}/api/me/terminal`);
    ws.binaryType = 'arraybuffer';
    const decoder = new TextDecoder();
    ws.onmessage = (e) => { window.__term[i] += decoder.decode(e.data, { stream: true }); };
    ws.onopen = () => {
      ws.send(JSON.stringify({ resize: { cols: 120, rows: 30 } }));
      (window.__sockets ??= [])[i] = ws;
      resolve(i);
    };
    ws.onerror = () => reject(new Error('the terminal did not open'));
  }));
}

const type = (page, i, text) =>
  page.evaluate(([i, text]) => window.__sockets[i].send(new TextEncoder().encode(text)), [i, text]);
const screen = (page, i) => page.evaluate((i) => window.__term[i], i);

test('a command typed in the terminal turns the Live panel green; another namespace is forbidden; a reconnect finds the session', async () => {
  const { page, context } = await openPage(browser, server.base);
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.locator('.live-toggle').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 30000 });

  const first = await connect(page);
  await type(page, first, 'kubectl create deployment ngx-dep --image=nginx:alpine --replicas=2\r');
  await until('the shell to say it created the Deployment', async () =>
    (await screen(page, first)).includes('deployment.apps/ngx-dep created'), { timeoutMs: 60000 });
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 60000 });

  // A pasted multi-line heredoc (8 KB) goes through whole while the shell echoes it back.
  const lines = Array.from({ length: 250 }, (_, i) => `  key-${String(i).padStart(4, '0')}: "value ${i} 滚动"`);
  await type(page, first, `cat > big.yaml <<'EOF'\nbig:\n${lines.join('\n')}\nEOF\necho "lines=$(grep -c key- big.yaml)"\r`);
  await until('the pasted heredoc to arrive whole', async () =>
    (await screen(page, first)).includes('lines=250'), { timeoutMs: 60000 });

  await type(page, first, 'kubectl get pods -n kube-system\r');
  await until('the API to refuse another namespace', async () =>
    /Forbidden|forbidden/.test(await screen(page, first)), { timeoutMs: 30000 });

  // The connection drops; a new one lands in the same tmux session, screen and all.
  await page.evaluate((i) => window.__sockets[i].close(), first);
  const second = await connect(page);
  // tmux redraws the screen as it was (what scrolled off it is tmux's history, not redrawn).
  await until('the session to come back with its screen', async () =>
    /Forbidden|forbidden/.test(await screen(page, second)), { timeoutMs: 30000 });
  await type(page, second, 'tmux kill-server\r');

  // Nobody else gets in: without the learner's session the upgrade is refused.
  const other = await browser.newContext({ baseURL: server.base });
  const refused = await other.request.get('/api/me/terminal', { headers: { origin: server.base } });
  assert.equal(refused.status(), 401);
  await other.close();
  await context.close();
});
