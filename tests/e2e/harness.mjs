// Starts a real kubelab server and a real headless Chromium for the end-to-end tests.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const artifacts = join(here, 'artifacts');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function childEnv(extra) {
  const env = { ...process.env, KUBELAB_LOG: 'warn' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function until(what, fn, { timeoutMs = 15000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts `kubelab serve`. `env` adds or (with `undefined`) removes variables, e.g. KUBECONFIG for
 * the cluster tests or none of them for "no cluster connected"; `args` adds flags.
 */
export async function startServer({ env = {}, args = [] } = {}) {
  const bin = process.env.KUBELAB_BIN;
  const siteRoot = process.env.KUBELAB_SITE_ROOT;
  if (!bin || !siteRoot) {
    throw new Error('KUBELAB_BIN and KUBELAB_SITE_ROOT must be set (scripts/test sets them)');
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    ['serve', '--addr', `127.0.0.1:${port}`, '--content', join(repo, 'content'), '--site-root', siteRoot,
      // A throwaway store unless the test brings its own.
      ...(args.includes('--database') ? [] : ['--database', `sqlite://${join(mkdtempSync(join(tmpdir(), 'kubelab-e2e-')), 'kubelab.db')}`]),
      ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = null;
  child.on('exit', (code) => (exited = code));
  await until('kubelab /healthz', async () => {
    if (exited !== null) throw new Error(`kubelab exited with ${exited}:\n${log}`);
    const r = await fetch(`${base}/healthz`);
    return r.ok;
  }, { timeoutMs: 30000 });
  return {
    base,
    pid: child.pid,
    log: () => log,
    stop: () =>
      new Promise((ok) => {
        if (exited !== null) return ok(exited);
        child.once('exit', (code) => ok(code));
        child.kill('SIGTERM');
      }),
  };
}

/** A SQLite store in `dataDir` with one instructor (`kubelab instructor add`); its URL. */
export function addInstructor(dataDir, email, password) {
  const database = `sqlite://${join(dataDir, 'kubelab.db')}`;
  const add = spawnSync(
    process.env.KUBELAB_BIN,
    ['instructor', 'add', email, '--password-stdin', '--database', database],
    { input: `${password}\n`, encoding: 'utf8' },
  );
  if (add.status !== 0) throw new Error(`kubelab instructor add failed:\n${add.stdout}\n${add.stderr}`);
  return database;
}

/**
 * A store in `dataDir` with one instructor (`kubelab instructor add`), and `kubelab serve` on it
 * with no cluster: for tests of the instructor's pages that need no Kubernetes.
 */
export async function startServerWithInstructor(dataDir, email, password, env = {}) {
  const database = addInstructor(dataDir, email, password);
  return startServer({
    env: { KUBECONFIG: undefined, KUBELAB_KUBECONFIG: undefined, KUBELAB_CONTEXT: undefined, ...env },
    args: ['--database', database],
  });
}

export async function startBrowser() {
  mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return browser;
}

/** A page that records every console error/warning and uncaught exception. */
export async function openPage(browser, base, opts = {}) {
  const context = await browser.newContext({ baseURL: base, ...opts });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

/** Islands hydrate on idle after the WASM loads; wait until the copy island is live. */
export async function waitForHydration(page) {
  await until('islands to hydrate', () =>
    // The CopyCode island marks itself once its hydration effect has run.
    page.evaluate(() => !!document.querySelector('.copy-scope[data-ready]')),
  );
}

/** Scrolls to the exercise panel of `id`, as a learner would (its code loads as it nears the
 * screen), and waits until it has hydrated (its buttons work from then on). */
export async function waitForPanel(page, id) {
  const panel = page.locator(`.panel[data-exercise="${id}"]`);
  await panel.scrollIntoViewIfNeeded();
  await panel.and(page.locator('[data-ready]')).waitFor();
  return panel;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical violations axe finds on the page as it is now, one line each. */
export async function violations(page) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`);
}

/** Replaces the text of an exercise panel's code editor (CodeMirror, mounted once the editor
 * chunk has loaded), as a paste would; the hidden textarea under it follows. */
export async function setEditor(scope, text) {
  const content = scope.locator('.cm-content');
  await content.click();
  await content.press('Control+a');
  await content.page().keyboard.insertText(text);
}

/** kubectl matching the sandbox (scripts/sandbox installs it there), or $KUBECTL. */
export const kubectl = process.env.KUBECTL || join(homedir(), '.cache/kubelab/kubectl/1.37.1/bin/kubectl');

/** Runs kubectl against the sandbox ($KUBECONFIG) and returns its output. */
export function k(args, input) {
  return execFileSync(kubectl, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A kubelab whose learners all share one new namespace of the sandbox (`--learner-namespaces
 * shared`), for tests and benchmarks against the real API; `stop()` ends it and deletes the
 * namespace. */
export async function startSandboxServer(namespace, args = []) {
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: source ~/.cache/kubelab/sandbox.env');
  k(['create', 'namespace', namespace]);
  const server = await startServer({ args: ['--learner-namespaces', 'shared', '--namespace', namespace, ...args] });
  const stop = server.stop;
  server.stop = async () => {
    const code = await stop();
    try {
      k(['delete', 'namespace', namespace, '--wait=false']);
    } catch {
      // best effort: the namespace is unique to this run
    }
    return code;
  };
  return server;
}

/** The deployment exercise's correct answer. */
export const NGX_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ngx-dep
  labels: { app: ngx-dep }
spec:
  replicas: 2
  selector:
    matchLabels: { app: ngx-dep }
  template:
    metadata:
      labels: { app: ngx-dep }
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
`;
