// The in-page terminal under load (scripts/bench-terminal, BENCHMARKS.md): TERMINALS learners,
// each in a Chromium context of their own, open /api/me/terminal; once all are attached they type
// at the same time, ROUNDS keystrokes each, and every keystroke's time to its echo is kept. Then,
// in the same run, the same keystrokes through `kubectl exec -it` into one of those toolboxes.
// kubelab's memory: its RSS with every terminal open, less its RSS before the first.
// usage: node bench-terminal.mjs TERMINALS   (KUBECONFIG of the sandbox; KUBELAB_BIN, KUBELAB_SITE_ROOT as for the e2e tests)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, k, kubectl, startBrowser, until } from './harness.mjs';

const terminals = Number(process.argv[2]);
if (!Number.isInteger(terminals) || terminals < 1 || !process.env.KUBECONFIG) {
  console.error('usage: KUBECONFIG=<sandbox> node bench-terminal.mjs TERMINALS');
  process.exit(2);
}
const ROUNDS = 20;
const prefix = `bench-t${process.pid}-`;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x) => `${x.toFixed(1)} ms`;
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

// Opens the terminal in the page and waits for the shell's prompt; keystrokes are timed by
// type() below. The socket lives on window.__t.
const OPEN = async () => {
  const ws = new WebSocket(`ws://${location.host}/api/me/terminal`);
  ws.binaryType = 'arraybuffer';
  const decoder = new TextDecoder();
  window.__t = { ws, out: '', waiters: [] };
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') return;
    window.__t.out += decoder.decode(e.data, { stream: true });
    for (const w of window.__t.waiters.splice(0)) w();
  };
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = () => fail(new Error('no terminal'));
  });
  ws.send(JSON.stringify({ resize: { cols: 100, rows: 30 } }));
  // The prompt ends in `$ ` (`# ` for root, as in the sandbox, where kwok runs the shell).
  const deadline = performance.now() + 120000;
  while (!/[$#] /.test(window.__t.out)) {
    if (performance.now() > deadline) throw new Error(`no prompt: ${window.__t.out.slice(-200)}`);
    await new Promise((ok) => {
      window.__t.waiters.push(ok);
      setTimeout(ok, 1000);
    });
  }
};

// ROUNDS keystrokes: each a letter, timed until the shell echoes it (in the text, not inside one
// of tmux's escape sequences); then the line is cleared.
const TYPE = async (rounds) => {
  const t = window.__t;
  const plain = (s) => s.replace(/\x1b(\[[0-9;?>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])/g, '');
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const letter = String.fromCharCode(97 + (i % 26));
    const seen = t.out.length;
    const t0 = performance.now();
    t.ws.send(new TextEncoder().encode(letter));
    // A keystroke not echoed within 10 s counts as lost (reported), not as a hang.
    while (!plain(t.out.slice(seen)).includes(letter) && performance.now() - t0 < 10000) {
      await new Promise((ok) => {
        t.waiters.push(ok);
        setTimeout(ok, 500);
      });
    }
    times.push(plain(t.out.slice(seen)).includes(letter) ? performance.now() - t0 : Infinity);
  }
  t.ws.send(new TextEncoder().encode('\u0015'));
  return times;
};

const plain = (s) => s.replace(/\x1b(\[[0-9;?>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])/g, '');

/** The same keystrokes through `kubectl exec -it` (a pseudo-terminal from `script`) into the same
 * toolbox's shell, tmux and all: the path without kubelab. */
async function viaKubectl(namespace) {
  const cmd = `${kubectl} exec -it -n ${namespace} kubelab-toolbox -- kubelab-shell --namespace ${namespace} kubelab-attach`;
  const child = spawn('script', ['-qfc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let waiters = [];
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  });
  const wait = () => new Promise((ok) => waiters.push(ok));
  await until('kubectl exec to give a prompt', async () => /[$#] /.test(plain(out)), { timeoutMs: 60000 }).catch((e) => {
    child.kill();
    throw new Error(`${e.message}: ${JSON.stringify(out.slice(-300))}`);
  });
  const times = [];
  for (let i = 0; i < ROUNDS * 5; i++) {
    const letter = String.fromCharCode(97 + (i % 26));
    const seen = out.length;
    const t0 = performance.now();
    child.stdin.write(letter);
    while (!plain(out.slice(seen)).includes(letter)) await wait();
    times.push(performance.now() - t0);
  }
  // Ending kubectl ends this exec only: the tmux session stays for the page's socket.
  child.stdin.write('\u0015');
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill();
  await exited;
  return times;
}

const server = await startServer({
  args: ['--namespace-prefix', prefix, '--max-terminals', String(terminals + 10), '--learners-per-address', String(terminals + 10)],
});
const browser = await startBrowser();
try {
  const pages = [];
  for (let i = 0; i < terminals; i++) {
    const context = await browser.newContext({ baseURL: server.base });
    const start = await context.request.post('/api/session/start', { data: {}, headers: { origin: server.base } });
    if (!start.ok()) throw new Error(`start: ${start.status()} ${await start.text()}`);
    const page = await context.newPage();
    await page.goto('/healthz');
    pages.push(page);
  }
  // Toolboxes and namespaces first (one by one: this is setup, not what is measured).
  console.error(`opening ${terminals} terminals…`);
  const before = rss(server.pid);
  const opened = performance.now();
  for (const page of pages) await page.evaluate(OPEN);
  const openSeconds = (performance.now() - opened) / 1000;
  const withAll = rss(server.pid);
  // Everyone types at once.
  console.error('typing…');
  const all = (await Promise.all(pages.map((p) => p.evaluate(TYPE, ROUNDS)))).flat();
  const namespace = k(['get', 'namespaces', '-o', 'name'])
    .split('\n')
    .find((n) => n.startsWith(`namespace/${prefix}`))
    .slice('namespace/'.length);
  console.error('the same through kubectl exec…');
  const direct = await viaKubectl(namespace);
  console.log(`${terminals} terminals opened in ${openSeconds.toFixed(1)} s (namespaces and toolboxes made on first use)`);
  console.log(`kubelab RSS: ${(before / 2 ** 20).toFixed(1)} MiB before, ${(withAll / 2 ** 20).toFixed(1)} MiB with ${terminals} open: ${((withAll - before) / terminals / 1024).toFixed(0)} KiB per terminal`);
  console.log('| keystroke → echo | samples | p50 | p99 |');
  console.log('|---|---|---|---|');
  const lost = all.filter((x) => x === Infinity).length;
  console.log(`| kubelab terminal, ${terminals} open and typing at once | ${all.length}${lost ? ` (${lost} not echoed within 10 s)` : ''} | ${ms(pct(all, 50))} | ${ms(pct(all, 99))} |`);
  console.log(`| kubectl exec -it, one, in the same run | ${direct.length} | ${ms(pct(direct, 50))} | ${ms(pct(direct, 99))} |`);
  for (const p of pages) await p.evaluate(() => window.__t.ws.send(new TextEncoder().encode('tmux kill-server\r')));
} finally {
  await browser.close();
  await server.stop();
  const mine = k(['get', 'namespaces', '-o', 'name']).split('\n').filter((n) => n.startsWith(`namespace/${prefix}`));
  if (mine.length) k(['delete', ...mine, '--wait=false']);
}
