// The in-page terminal under load (scripts/bench-terminal, BENCHMARKS.md): TERMINALS learners,
// each with a session and a WebSocket of their own (what the page opens, without a browser per
// learner: the bytes on the wire are the same), open /api/me/terminal; once all are attached they
// type at the same time, ROUNDS keystrokes each, and every keystroke's time to its echo is kept. Then,
// in the same run, the same keystrokes through `kubectl exec -it` into those toolboxes: one alone,
// then one kubectl per toolbox, all typing at once.
// kubelab's memory: its RSS with every terminal open, less its RSS before the first.
// usage: node bench-terminal.mjs TERMINALS   (KUBECONFIG of the sandbox; KUBELAB_BIN, KUBELAB_SITE_ROOT as for the e2e tests)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, k, kubectl, until } from './harness.mjs';

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

const plain = (s) => s.replace(/\x1b(\[[0-9;?>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])/g, '');

/** A learner: a session of their own, then the terminal's WebSocket as a page on our origin
 * opens it; resolves once the shell's prompt is there. */
async function open(base) {
  const start = await fetch(`${base}/api/session/start`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!start.ok) throw new Error(`start: ${start.status} ${await start.text()}`);
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/me/terminal`, { headers: { cookie, origin: base } });
  ws.binaryType = 'arraybuffer';
  const decoder = new TextDecoder();
  const t = { ws, out: '', waiters: [], closed: null };
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') return;
    t.out += decoder.decode(e.data, { stream: true });
    for (const w of t.waiters.splice(0)) w();
  };
  ws.onclose = (e) => {
    t.closed = e.code;
    for (const w of t.waiters.splice(0)) w();
  };
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = () => fail(new Error('no terminal'));
  });
  ws.send(JSON.stringify({ resize: { cols: 100, rows: 30 } }));
  // The prompt ends in `$ ` (`# ` for root, as in the sandbox, where kwok runs the shell).
  const deadline = performance.now() + 120000;
  while (!/[$#] /.test(plain(t.out))) {
    if (performance.now() > deadline || t.closed !== null) throw new Error(`no prompt (close ${t.closed}): ${t.out.slice(-200)}`);
    await new Promise((ok) => {
      t.waiters.push(ok);
      setTimeout(ok, 1000);
    });
  }
  return t;
}

/** ROUNDS keystrokes: each a letter, timed until the shell echoes it (in the text, not inside one
 * of tmux's escape sequences); a keystroke not echoed within 10 s counts as lost (reported, not
 * a hang). Then the line is cleared. */
async function type(t) {
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const letter = String.fromCharCode(97 + (i % 26));
    const seen = t.out.length;
    const t0 = performance.now();
    t.ws.send(new TextEncoder().encode(letter));
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
}

/** The learner's shell through `kubectl exec -it` (a pseudo-terminal from `script`), tmux and
 * all: the path without kubelab, what a learner with a kubeconfig would use instead. */
async function viaKubectl(namespace) {
  const cmd = `${kubectl} exec -it -n ${namespace} kubelab-toolbox -- kubelab-shell --namespace ${namespace} kubelab-attach`;
  const child = spawn('script', ['-qfc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const t = { out: '', waiters: [] };
  child.stdout.on('data', (d) => {
    t.out += d;
    for (const w of t.waiters.splice(0)) w();
  });
  await until('kubectl exec to give a prompt', async () => /[$#] /.test(plain(t.out)), { timeoutMs: 60000 }).catch((e) => {
    child.kill();
    throw new Error(`${e.message}: ${JSON.stringify(t.out.slice(-300))}`);
  });
  t.ws = { send: (bytes) => child.stdin.write(bytes) };
  t.close = async () => {
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill();
    await exited;
  };
  return t;
}

const server = await startServer({
  args: ['--namespace-prefix', prefix, '--max-terminals', String(terminals + 10), '--learners-per-address', String(terminals + 10)],
});
try {
  // Namespaces, toolboxes and shells one by one (setup, not what is measured); the first ones
  // then sit silent while the others open, as a class reading before it types.
  console.error(`opening ${terminals} terminals…`);
  const before = rss(server.pid);
  const opened = performance.now();
  const shells = [];
  for (let i = 0; i < terminals; i++) shells.push(await open(server.base));
  const openSeconds = (performance.now() - opened) / 1000;
  const withAll = rss(server.pid);
  // Everyone types at once.
  console.error('typing…');
  const all = (await Promise.all(shells.map(type))).flat();
  for (const t of shells) t.ws.close();
  const namespaces = k(['get', 'namespaces', '-o', 'name'])
    .split('\n')
    .filter((n) => n.startsWith(`namespace/${prefix}`))
    .map((n) => n.slice('namespace/'.length));
  console.error('the same through kubectl exec, one alone, then all at once…');
  const alone = await viaKubectl(namespaces[0]);
  const direct = [];
  for (let i = 0; i < 5; i++) direct.push(...(await type(alone)));
  await alone.close();
  const viaK = [];
  for (const ns of namespaces) viaK.push(await viaKubectl(ns));
  const directAll = (await Promise.all(viaK.map(type))).flat();
  for (const t of viaK) t.ws.send('tmux kill-server\r');
  await Promise.all(viaK.map((t) => t.close()));
  console.log(`${terminals} terminals opened in ${openSeconds.toFixed(1)} s (namespaces and toolboxes made on first use)`);
  console.log(`kubelab RSS: ${(before / 2 ** 20).toFixed(1)} MiB before, ${(withAll / 2 ** 20).toFixed(1)} MiB with ${terminals} open: ${((withAll - before) / terminals / 1024).toFixed(0)} KiB per terminal`);
  console.log('| keystroke → echo | samples | p50 | p99 |');
  console.log('|---|---|---|---|');
  const lost = all.filter((x) => x === Infinity).length;
  console.log(`| kubelab terminal, ${terminals} open and typing at once | ${all.length}${lost ? ` (${lost} not echoed within 10 s)` : ''} | ${ms(pct(all, 50))} | ${ms(pct(all, 99))} |`);
  console.log(`| kubectl exec -it, one alone, in the same run | ${direct.length} | ${ms(pct(direct, 50))} | ${ms(pct(direct, 99))} |`);
  const lostK = directAll.filter((x) => x === Infinity).length;
  console.log(`| kubectl exec -it, ${namespaces.length} typing at once, in the same run | ${directAll.length}${lostK ? ` (${lostK} not echoed within 10 s)` : ''} | ${ms(pct(directAll, 50))} | ${ms(pct(directAll, 99))} |`);
} finally {
  await server.stop();
  const mine = k(['get', 'namespaces', '-o', 'name']).split('\n').filter((n) => n.startsWith(`namespace/${prefix}`));
  if (mine.length) k(['delete', ...mine, '--wait=false']);
}
