// Two replicas on one PostgreSQL (BENCHMARKS.md, "Replicas"): how long after a learner on replica A
// passes does the instructor's board, open on replica B, show it; then SIGKILL of A during a burst
// of attempts must lose none that A answered 2xx (read back through B: sessions live in the
// database). Prints a markdown summary; exit 1 when a goal is missed.
//
// usage: node scripts/bench-replicas.mjs <kubelab-binary> <postgres-url> <port-a> <port-b> [runs] [goal-ms]
import { spawn, spawnSync } from 'node:child_process';

const [bin, database, portA, portB, runsArg, goalArg] = process.argv.slice(2);
if (!bin || !database?.startsWith('postgres') || !portA || !portB) {
  console.error('usage: node scripts/bench-replicas.mjs <kubelab-binary> <postgres-url> <port-a> <port-b> [runs] [goal-ms]');
  process.exit(2);
}
const runs = Number(runsArg ?? 30);
const goalMs = Number(goalArg ?? 1000);
const A = `http://127.0.0.1:${portA}`;
const B = `http://127.0.0.1:${portB}`;
const EMAIL = `bench-${Date.now()}@example.org`;
const PASSWORD = 'bench-replicas-password';
const EXERCISE = 'docker-run';
const ANSWER = 'docker run -d --rm -p 8080:80 -v /tmp:/tmp nginx:alpine';
const DEADLINE_MS = 10000; // a board that has not turned green by then counts as a miss

function serve(port) {
  const args = ['serve', '--addr', `127.0.0.1:${port}`, '--database', database, '--learner-namespaces', 'shared'];
  // With the sandbox (KUBECONFIG) both replicas watch the same cluster; without, lessons only.
  if (!process.env.KUBECONFIG) args.push('--kubeconfig', '/nonexistent/kubeconfig');
  const proc = spawn(bin, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KUBELAB_LOG: 'warn', KUBELAB_LEARNERS_PER_ADDRESS: '1000' },
  });
  let log = '';
  proc.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  proc.log = () => log;
  return proc;
}

async function healthy(base, proc, deadlineMs = 60000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`${base} exited:\n${proc.log()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }
  throw new Error(`${base} did not become healthy:\n${proc.log()}`);
}

async function post(base, path, body, cookie) {
  const headers = { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', origin: base };
  if (cookie) headers.cookie = cookie;
  const r = await fetch(`${base}${path}`, {
    method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${text}`);
  return { r, json: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

const cookieOf = (r) => r.headers.get('set-cookie')?.split(';')[0];

// The board over SSE: calls onBoard with every `board` event.
async function openBoard(base, id, cookie, onBoard) {
  const r = await fetch(`${base}/api/teach/classrooms/${id}/events`, { headers: { cookie } });
  if (!r.ok) throw new Error(`board events: ${r.status}`);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let at;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (event === 'board') onBoard(JSON.parse(data));
      }
    }
  })().catch(() => {});
  return reader;
}

const nearest = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const add = spawnSync(bin, ['instructor', 'add', EMAIL, '--password-stdin', '--database', database], {
  input: `${PASSWORD}\n`, encoding: 'utf8',
});
if (add.status !== 0) throw new Error(`instructor add: ${add.stderr}`);

let a = serve(portA);
const b = serve(portB);
await Promise.all([healthy(A, a), healthy(B, b)]);

const login = await post(B, '/api/teach/login', { email: EMAIL, password: PASSWORD });
const teacher = cookieOf(login.r);
const classroom = (await post(B, '/api/teach/classrooms', { name: 'replicas' }, teacher)).json;

// Who passed, as B's board last said; and who waits for it.
const passed = new Set();
const waiting = new Map();
const board = await openBoard(B, classroom.id, teacher, (bd) => {
  for (const l of bd.learners) {
    if (l.cells.find((c) => c.exercise_id === EXERCISE)?.status === 'passed') {
      passed.add(l.id);
      waiting.get(l.id)?.();
    }
  }
});

const fromAnswer = [];
const fromRequest = [];
let misses = 0;
for (let i = 0; i < runs; i++) {
  const join = await post(A, '/api/session/join', { code: classroom.code, name: `learner ${i}` });
  const cookie = cookieOf(join.r);
  const id = join.json.learner?.id ?? join.json.id;
  if (!id) throw new Error(`join answered no learner id: ${JSON.stringify(join.json)}`);
  const seen = new Promise((resolve) => waiting.set(id, resolve));
  const sent = performance.now();
  await post(A, `/api/exercises/${EXERCISE}/submit`, ANSWER, cookie);
  const answered = performance.now();
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), DEADLINE_MS)); // the miss deadline
  if ((await Promise.race([seen, timeout])) === 'timeout' && !passed.has(id)) {
    misses++;
    continue;
  }
  const now = performance.now();
  fromAnswer.push(now - answered);
  fromRequest.push(now - sent);
}
await board.cancel();
fromAnswer.sort((x, y) => x - y);
fromRequest.sort((x, y) => x - y);
const ms = (x) => (x === undefined ? '-' : x.toFixed(1));
console.log(`| measure | runs | p50 ms | p99 ms | max ms |`);
console.log(`|---|---|---|---|---|`);
console.log(`| A answered 2xx → B's board green | ${fromAnswer.length} | ${ms(nearest(fromAnswer, 50))} | ${ms(nearest(fromAnswer, 99))} | ${ms(fromAnswer.at(-1))} |`);
console.log(`| submit sent to A → B's board green | ${fromRequest.length} | ${ms(nearest(fromRequest, 50))} | ${ms(nearest(fromRequest, 99))} | ${ms(fromRequest.at(-1))} |`);
console.log(`\nmissed (not green within ${DEADLINE_MS} ms): ${misses}`);

// SIGKILL of A during a burst: every attempt A answered 2xx must be readable through B.
const burst = [];
for (let i = 0; i < 20; i++) {
  burst.push(cookieOf((await post(A, '/api/session/join', { code: classroom.code, name: `burst ${i}` })).r));
}
const answered = burst.map(() => new Set());
let killed = false;
const loops = burst.map(async (cookie, i) => {
  while (!killed) {
    try {
      const r = await fetch(`${A}/api/exercises/${EXERCISE}/submit`, {
        method: 'POST', headers: { cookie, 'content-type': 'text/plain', origin: A }, body: ANSWER,
      });
      const id = r.headers.get('x-kubelab-attempt');
      if (r.ok && id) answered[i].add(id);
      await r.arrayBuffer();
    } catch { /* cut by the kill: not answered, so not promised */ }
  }
});
await new Promise((r) => setTimeout(r, 1500)); // the moment of the crash, not a synchronisation
const exited = new Promise((r) => a.once('exit', r));
a.kill('SIGKILL');
killed = true;
await exited;
await Promise.all(loops);
let promised = 0;
let lost = 0;
for (const [i, cookie] of burst.entries()) {
  const r = await fetch(`${B}/api/me/attempts?limit=200`, { headers: { cookie } });
  if (!r.ok) throw new Error(`attempts via B: ${r.status}`);
  const stored = new Set((await r.json()).map((x) => String(x.id)));
  for (const id of answered[i]) {
    promised++;
    if (!stored.has(id)) lost++;
  }
}
console.log(`\nA killed (SIGKILL) during a burst of ${burst.length} learners: ${promised} attempts answered 2xx, ${lost} missing when read through B`);
b.kill('SIGTERM');
await new Promise((r) => b.once('exit', r));
const p99 = nearest(fromAnswer, 99);
if (misses > 0 || lost > 0 || promised === 0 || !(p99 < goalMs)) {
  console.error(`goal missed: p99 ${ms(p99)} ms (goal < ${goalMs}), ${misses} misses, ${lost} lost, ${promised} promised`);
  process.exit(1);
}
