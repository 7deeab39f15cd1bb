// Durability benchmark (BENCHMARKS.md): learners submit answers in a burst while the server is
// killed with SIGKILL; after a restart on the same database, every attempt that was answered
// 2xx must be there. Prints a markdown summary; exit 1 when an answered attempt was lost.
//
// usage: node scripts/bench-durability.mjs <kubelab-binary> <database-url> <port> [learners] [kill-after-ms]
import { spawn } from 'node:child_process';

const [bin, database, port, learnersArg, killArg] = process.argv.slice(2);
if (!bin || !database || !port) {
  console.error('usage: node scripts/bench-durability.mjs <kubelab-binary> <database-url> <port> [learners] [kill-after-ms]');
  process.exit(2);
}
const learners = Number(learnersArg ?? 40);
const killAfter = Number(killArg ?? 1500);
const base = `http://127.0.0.1:${port}`;

function start() {
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--database', database,
    '--learner-namespaces', 'shared', '--kubeconfig', '/nonexistent/kubeconfig'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KUBELAB_LOG: 'warn' },
  });
  proc.stderr.on('data', () => {});
  return proc;
}

async function waitHealthy(deadlineMs = 30000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }
  throw new Error('kubelab did not become healthy within 30 s');
}

async function startLearner() {
  const r = await fetch(`${base}/api/session/start`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  });
  if (!r.ok) throw new Error(`start: ${r.status}`);
  const cookie = r.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

const answer = 'docker run -d --rm -p 8080:80 -v /tmp:/tmp nginx:alpine';

let server = start();
await waitHealthy();
const cookies = [];
for (let i = 0; i < learners; i++) cookies.push(await startLearner());

const answered = cookies.map(() => new Set());
let failed = 0;
let killed = false;
const began = Date.now();
const loops = cookies.map(async (cookie, i) => {
  while (!killed) {
    try {
      const r = await fetch(`${base}/api/exercises/docker-run/submit`, {
        method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: answer,
      });
      const id = r.headers.get('x-kubelab-attempt');
      if (r.ok && id) answered[i].add(id);
      else failed++;
      await r.arrayBuffer();
    } catch {
      failed++; // connection cut by the kill: not answered, so not promised
    }
  }
});
await new Promise((r) => setTimeout(r, killAfter)); // the moment of the crash, not a synchronisation
const exited = new Promise((r) => server.once('exit', r));
server.kill('SIGKILL');
killed = true;
await exited;
await Promise.all(loops);
const burstMs = Date.now() - began;

server = start();
await waitHealthy();
let total = 0;
let lost = 0;
let tooMany = false;
for (let i = 0; i < cookies.length; i++) {
  total += answered[i].size;
  if (answered[i].size >= 200) tooMany = true;
  const r = await fetch(`${base}/api/me/attempts?limit=200`, { headers: { cookie: cookies[i] } });
  if (!r.ok) throw new Error(`attempts: ${r.status}`);
  const stored = new Set((await r.json()).map((a) => String(a.id)));
  for (const id of answered[i]) if (!stored.has(id)) lost++;
}
server.kill('SIGTERM');
console.log(`| database | learners | burst | answered 2xx | not answered | lost after SIGKILL |`);
console.log(`|---|---|---|---|---|---|`);
console.log(`| ${database.split(':')[0]} | ${learners} | ${burstMs} ms | ${total} | ${failed} | ${lost} |`);
if (tooMany) { console.error('a learner had 200+ answers: raise learners so each stays under the 200-row page'); process.exit(2); }
process.exit(lost === 0 ? 0 : 1);
