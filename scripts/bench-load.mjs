// Load benchmark (BENCHMARKS.md "Load"), driven by scripts/bench-load: many learners on one
// `kubelab serve` (per-learner namespaces, the sandbox), each with a live stream and a check
// every 5 s, plus a burst of hostile requests in the same run.
//
// usage:
//   node scripts/bench-load.mjs start <base-url> <learners> <concurrency> <dir>
//     starts the learners (POST /api/session/start, which provisions each namespace), at most
//     <concurrency> at once; writes <dir>/learners.json and <dir>/pods.yaml (the Pod of the
//     pod-yaml exercise for each namespace: correct, or with owner=nobody for every 10th learner)
//   node scripts/bench-load.mjs run <base-url> <server-pid> <dir> <duration-s>
//     the run itself; prints a markdown summary, writes <dir>/report.json; exit 1 when a learner
//     saw an error (a non-2xx, a dropped stream, a wrong verdict) or the server died.
//
// Every simulated learner is a machine of its own: its own connections and its own client address
// in X-Forwarded-For (the server runs with --trust-forwarded-for, as behind a reverse proxy).
// Hostile requests come from other addresses. Only node's built-in modules are used.
import http from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const EXERCISE = 'pod-yaml';
const CHECK_EVERY_MS = 5000;
const CLIENT_TIMEOUT_MS = 60000; // the server answers within 30 s (--request-timeout) or 503
/** Hostile bursts in the run (KUBELAB_LOAD_BURSTS, 1–16): more than one shows whether memory settles. */
const BURSTS = Number(process.env.KUBELAB_LOAD_BURSTS ?? 1);
if (!(Number.isInteger(BURSTS) && BURSTS >= 1 && BURSTS <= 16)) throw new Error('KUBELAB_LOAD_BURSTS: 1 to 16');

const [mode, ...args] = process.argv.slice(2);
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))); // pacing, never synchronisation

// ---------------------------------------------------------------- HTTP

/**
 * A learner's address: 10.x.y.z, one per learner. Hostile requests of the first burst come from
 * 192.0.2.0/24 and 198.51.100.0/24, those of burst k > 0 from 172.(16+k).0.0/23: every burst
 * meets limiters that have not seen its addresses.
 */
const learnerAddr = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
let burstNo = 0;
const hostileAddr = (i) => (burstNo ? `172.${16 + burstNo}.0.${i & 255}` : `192.0.2.${i & 255}`);
const flooderAddr = (i) => (burstNo ? `172.${16 + burstNo}.1.${i & 255}` : `198.51.100.${i & 255}`);

/**
 * One request. Resolves { status, headers, body } or { status: 0, error } (never rejects).
 * `body` is a string/Buffer sent with Content-Length, or a function(req) that writes it itself.
 */
function request(base, { method = 'GET', path, headers = {}, body, agent, timeoutMs = CLIENT_TIMEOUT_MS }) {
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const h = { origin: base, ...headers };
    if (typeof body === 'string' || Buffer.isBuffer(body)) h['content-length'] = Buffer.byteLength(body);
    let done = false;
    const finish = (r) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    const close = typeof body === 'function'; // a half-sent body: drop the connection after the answer
    const req = http.request(url, { method, headers: h, agent: agent ?? false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        finish({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (close) req.destroy();
      });
      res.on('error', (e) => finish({ status: 0, error: `response: ${e.code || e.message}` }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => finish({ status: 0, error: e.code || e.message }));
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

/** `429 too-many-attempts`: the status and the error code of our JSON error body. */
function answerOf(r) {
  if (r.status === 0) {
    // EPIPE: the server closed the connection while the client was still sending (after
    // answering 413 to a body it stopped reading, the answer can be lost to the client).
    if (r.error === 'EPIPE' || r.error === 'ECONNRESET') return `connection closed by the server (${r.error})`;
    return `no answer (${r.error})`;
  }
  let code = '';
  try {
    code = JSON.parse(r.body)?.error?.code ?? '';
  } catch { /* not our error body */ }
  return code ? `${r.status} ${code}` : `${r.status}`;
}

function cookieOf(r) {
  const set = r.headers?.['set-cookie'];
  return set?.map((c) => c.split(';')[0]).find((c) => c.includes('kubelab_session'));
}

const json = (obj) => JSON.stringify(obj);
const post = (base, path, headers, body) =>
  request(base, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });

/** Nearest-rank percentile of `xs` (ms). */
function pct(xs, q) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil(q * s.length)) - 1];
}
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');

// ---------------------------------------------------------------- start: provision the learners

async function startPhase(base, learners, concurrency, dir) {
  const out = new Array(learners);
  const took = [];
  const failures = [];
  let next = 0;
  const t0 = now();
  async function worker() {
    while (next < learners) {
      const i = next++;
      const addr = learnerAddr(i + 1);
      const t = now();
      const r = await post(base, '/api/session/start', { 'x-forwarded-for': addr }, '{}');
      took.push(now() - t);
      let me;
      try {
        me = JSON.parse(r.body);
      } catch { /* reported below */ }
      const cookie = cookieOf(r);
      if (r.status !== 200 || !cookie || !me?.cluster?.namespace_ready) {
        failures.push(`learner ${i}: ${answerOf(r)} ${me?.cluster?.message ? json(me.cluster.message) : (r.body ?? '').slice(0, 200)}`);
        continue;
      }
      out[i] = { i, addr, cookie, namespace: me.learner.namespace, expect: i % 10 !== 9 };
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = (now() - t0) / 1000;
  if (failures.length) {
    console.error(`${failures.length} of ${learners} learners could not start:\n${failures.slice(0, 10).join('\n')}`);
    process.exit(1);
  }
  const pods = out.map((l) => `apiVersion: v1
kind: Pod
metadata:
  name: ngx-pod
  namespace: ${l.namespace}
  labels: { env: demo, owner: ${l.expect ? 'chrono' : 'nobody'}, bench: load }
spec:
  containers:
  - name: ngx
    image: nginx:alpine
    ports:
    - containerPort: 80
`).join('---\n');
  writeFileSync(join(dir, 'pods.yaml'), pods);
  const provisioning = { learners, concurrency, wall_s: wall, p50_ms: pct(took, 0.5), p99_ms: pct(took, 0.99), max_ms: Math.max(...took) };
  writeFileSync(join(dir, 'learners.json'), json({ learners: out, provisioning }));
  console.error(`${learners} learners started, ${concurrency} at once, in ${wall.toFixed(1)} s ` +
    `(per start: p50 ${ms(provisioning.p50_ms)} ms, p99 ${ms(provisioning.p99_ms)} ms)`);
}

// ---------------------------------------------------------------- run: the server's process

function readProc(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const fds = readdirSync(`/proc/${pid}/fd`).length;
    const threads = Number(status.match(/^Threads:\s+(\d+)/m)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), ticks, fds, threads };
  } catch {
    return null; // the process is gone
  }
}

// ---------------------------------------------------------------- run: learners

class Tally {
  constructor() { this.m = new Map(); }
  add(kind, answer) {
    const k = this.m.get(kind) ?? new Map();
    k.set(answer, (k.get(answer) ?? 0) + 1);
    this.m.set(kind, k);
  }
  total() { let n = 0; for (const k of this.m.values()) for (const c of k.values()) n += c; return n; }
  toJSON() { return Object.fromEntries([...this.m].map(([k, v]) => [k, Object.fromEntries(v)])); }
}

function parseVerdict(data) {
  try {
    const v = JSON.parse(data);
    return typeof v.passed === 'boolean' ? v.passed : null;
  } catch {
    return null;
  }
}

/**
 * Opens the learner's live stream. `onVerdict(passed)` per verdict event; resolves { close() }
 * once the answer's head arrived; `state.dropped` tells whether it ended before close().
 */
function openStream(base, l, errors, hooks = {}) {
  return new Promise((resolve) => {
    const s = { closing: false, ended: false, verdicts: 0, req: null, status: 0 };
    const fail = (kind) => {
      if (!s.closing && !s.ended) {
        s.ended = true;
        errors.add('live stream', kind);
      }
    };
    const req = http.request(new URL(`/api/exercises/${EXERCISE}/live`, base), {
      headers: { cookie: l.cookie, accept: 'text/event-stream', 'x-forwarded-for': l.addr },
      agent: false,
    }, (res) => {
      s.status = res.statusCode;
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          s.ended = true;
          s.answer = answerOf({ status: res.statusCode, body });
          errors.add('live stream', s.answer);
          resolve(s);
        });
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk) => {
        buf += chunk;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (event === 'verdict') {
            s.verdicts++;
            const passed = parseVerdict(data.join('\n'));
            if (passed === null) errors.add('live stream', 'unreadable verdict event');
            else if (l.expect !== undefined && passed !== l.expect) errors.add('live stream', `wrong verdict (passed=${passed})`);
            hooks.onVerdict?.(passed);
          } else if (event === 'error') {
            errors.add('live stream', `error event ${data.join(' ').slice(0, 120)}`);
          }
        }
      });
      res.on('end', () => fail('ended by the server'));
      res.on('error', (e) => fail(`dropped (${e.code || e.message})`));
      resolve(s);
    });
    req.on('error', (e) => {
      fail(`dropped (${e.code || e.message})`);
      resolve(s);
    });
    s.req = req;
    s.close = () => {
      s.closing = true;
      req.destroy();
    };
    req.end();
  });
}

/** One check; returns its latency in ms (the whole verdict read and parsed), recording errors. */
async function check(base, l, agent, errors) {
  const t = now();
  const r = await request(base, {
    method: 'POST', path: `/api/exercises/${EXERCISE}/check`,
    headers: { cookie: l.cookie, 'x-forwarded-for': l.addr }, agent,
  });
  const dt = now() - t;
  if (r.status !== 200) {
    errors.add('check', answerOf(r));
    return null;
  }
  const passed = parseVerdict(r.body);
  if (passed === null) errors.add('check', 'unreadable verdict');
  else if (passed !== l.expect) errors.add('check', `wrong verdict (passed=${passed})`);
  return dt;
}

// ---------------------------------------------------------------- run: the hostile burst

/** A 500 KB anchor named 80,000 times (about 40 GB once expanded): refused at the alias cap. */
function aliasBomb() {
  return `a: &a "${'x'.repeat(500_000)}"\nb: [${'*a, '.repeat(80_000)}*a]\n`;
}
/** The billion laughs: 9 levels of 10 aliases (90 aliases, under the cap), 10^9 values. */
function laughs() {
  const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let k = 1; k <= 9; k++) lines.push(`l${k}: &l${k} [${Array(10).fill(`*l${k - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** The kinds of hostile requests; KUBELAB_LOAD_HOSTILE=bombs,logins (or none) picks some. */
const HOSTILE_KINDS = ['bombs', 'oversized', 'floods', 'logins', 'joins'];
const hostileKinds = new Set((process.env.KUBELAB_LOAD_HOSTILE ?? HOSTILE_KINDS.join(',')).split(',').filter((k) => k && k !== 'none'));
for (const k of hostileKinds) {
  if (!HOSTILE_KINDS.includes(k)) throw new Error(`KUBELAB_LOAD_HOSTILE: unknown kind ${k} (kinds: ${HOSTILE_KINDS.join(', ')}, or none)`);
}

async function hostileBurst(base, hostile, heldStreams, burst) {
  burstNo = burst;
  const submit = `/api/exercises/${EXERCISE}/submit`;
  const tasks = [];
  let group = '';
  const run = (kind, n, fn) => {
    if (!hostileKinds.has(group)) return;
    for (let i = 0; i < n; i++) tasks.push(fn(i).then((r) => hostile.add(kind, answerOf(r))));
  };

  // YAML bombs, 4 addresses × 40: each address's first 30 are parsed (and refused), then its
  // attempt bucket is empty. Parsing is one submission per core; a wait over 5 s is 503 busy.
  group = 'bombs';
  const bomb = aliasBomb();
  const lol = laughs();
  run('YAML alias bomb (820 KB, 40 GB expanded)', 80, (i) =>
    request(base, { method: 'POST', path: submit, headers: { 'content-type': 'text/plain', 'x-forwarded-for': hostileAddr(1 + (i % 4)) }, body: bomb }));
  run('YAML billion laughs (10^9 values)', 80, (i) =>
    request(base, { method: 'POST', path: submit, headers: { 'content-type': 'text/plain', 'x-forwarded-for': hostileAddr(1 + (i % 4)) }, body: lol }));

  // Oversized bodies: a declared 2 MiB (refused before a byte of it is read), 2 MiB chunked
  // (read up to the 1 MiB limit), and 100 KB of JSON to an account route (16 KiB limit).
  group = 'oversized';
  run('submission declaring 2 MiB (Content-Length)', 20, (i) =>
    request(base, {
      method: 'POST', path: submit,
      headers: { 'content-type': 'text/plain', 'content-length': 2 << 20, 'x-forwarded-for': hostileAddr(10 + i) },
      body: (req) => req.flushHeaders(), // the head only: the answer must not wait for the body
    }));
  const mib = Buffer.alloc(64 << 10, 'y');
  run('submission of 2 MiB, chunked', 20, (i) =>
    request(base, {
      method: 'POST', path: submit, headers: { 'content-type': 'text/plain', 'x-forwarded-for': hostileAddr(40 + i) },
      body: (req) => {
        let sent = 0;
        const more = () => {
          while (sent < 32) {
            sent++;
            if (!req.write(mib)) return req.once('drain', more);
          }
          req.end();
        };
        req.on('error', () => {}); // the server may close as soon as it has answered
        more();
      },
    }));
  run('session start with 100 KB of JSON', 20, (i) =>
    post(base, '/api/session/start', { 'x-forwarded-for': hostileAddr(70 + i) }, json({ display_name: 'z'.repeat(100_000) })));

  // Session-start flood from one address: 60 at once may start (a classroom behind one NAT),
  // the rest are refused. The learners it makes then flood /live.
  const flood = [];
  const startFlood = Array.from({ length: hostileKinds.has('floods') ? 200 : 0 }, () =>
    post(base, '/api/session/start', { 'x-forwarded-for': flooderAddr(1) }, '{}').then((r) => {
      hostile.add('session-start flood, 1 address', answerOf(r));
      const cookie = cookieOf(r);
      if (r.status === 200 && cookie) flood.push({ cookie, addr: flooderAddr(1) });
    }));
  tasks.push(Promise.all(startFlood).then(async () => {
    // /live flood: every learner of the flood opens 6 streams (4 may stay open), kept open
    // until the burst ends; and 100 without a session (401: a GET creates nobody).
    const opened = [];
    for (const l of flood) {
      for (let k = 0; k < 6; k++) {
        opened.push(openStream(base, l, { add: () => {} }).then((s) => {
          hostile.add('/live flood (6 per flooding learner)', s.answer ?? (s.status ? `${s.status}` : 'no answer'));
          if (s.status === 200) heldStreams.push(s);
        }));
      }
    }
    for (let k = 0; k < (hostileKinds.has('floods') ? 100 : 0); k++) {
      opened.push(request(base, { path: `/api/exercises/${EXERCISE}/live`, headers: { 'x-forwarded-for': flooderAddr(2) } })
        .then((r) => hostile.add('/live without a session', answerOf(r))));
    }
    await Promise.all(opened);
  }));

  // Wrong instructor sign-ins: 200 at once from one address, and 20 each from 20 more.
  group = 'logins';
  const wrongLogin = (addr) => post(base, '/api/teach/login', { 'x-forwarded-for': addr }, json({ email: 'teacher@example.com', password: 'not-the-password' }));
  run('wrong login flood, 1 address', 200, () => wrongLogin(flooderAddr(3)));
  run('wrong login flood, 20 addresses × 20', 400, (i) => wrongLogin(flooderAddr(10 + (i % 20))));
  // Wrong join codes from one address.
  group = 'joins';
  run('wrong join codes, 1 address', 100, (i) =>
    post(base, '/api/session/join', { 'x-forwarded-for': flooderAddr(4) }, json({ code: `ZZZZ-${String(i).padStart(4, '0')}`, name: 'guess' })));

  await Promise.all(tasks);
}

/** Runs burst `k` in a worker thread: resolves { start, answered, end, tally } (main-thread clock). */
function runBurst(base, k) {
  return new Promise((resolve, reject) => {
    const b = { start: now() };
    const w = new Worker(new URL(import.meta.url), { workerData: { base, burst: k } });
    w.on('message', (m) => {
      if (m.tally) {
        b.answered = now();
        b.tally = m.tally;
      } else if (m.closed) {
        b.end = now();
      }
    });
    w.on('error', reject);
    w.on('exit', () => (b.tally && b.end ? resolve(b) : reject(new Error(`burst ${k} ended early`))));
  });
}

/** The worker: one burst; the accepted hostile streams stay open 10 s after the last answer. */
async function burstWorker({ base, burst }) {
  const hostile = new Tally();
  const held = [];
  await hostileBurst(base, hostile, held, burst);
  parentPort.postMessage({ tally: hostile.toJSON() });
  await sleep(10_000);
  for (const s of held) s.close();
  parentPort.postMessage({ closed: true });
}

// ---------------------------------------------------------------- run

async function runPhase(base, pid, dir, durationS) {
  const { learners, provisioning } = JSON.parse(readFileSync(join(dir, 'learners.json'), 'utf8'));
  const errors = new Tally();
  const hostile = new Tally();
  const samples = [];
  const sample = () => {
    const p = readProc(pid);
    if (p) samples.push({ t: now(), ...p });
    return p;
  };
  const before = sample();
  if (!before) throw new Error(`no process ${pid}`);
  const sampler = setInterval(sample, 500);

  // Baseline in the same run: one learner alone, 20 checks in a row after 3 not counted (23 of
  // the learner's 30 attempts a minute, so its checks in the run are still admitted).
  const agent0 = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const alone = [];
  for (let k = 0; k < 23; k++) {
    const dt = await check(base, learners[0], agent0, errors);
    if (dt !== null && k >= 3) alone.push(dt);
  }
  agent0.destroy();

  // Every learner opens its stream, then checks every 5 s (first at a random moment of the
  // first 5 s, so the checks spread evenly), until the end.
  const tOpen = now();
  const streams = await Promise.all(learners.map((l) => openStream(base, l, errors)));
  const openMs = now() - tOpen;
  const t0 = now();
  const end = t0 + durationS * 1000;
  const lat = []; // { t, ms }
  const loops = learners.map(async (l) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let next = t0 + Math.random() * CHECK_EVERY_MS;
    for (;;) {
      await sleep(next - now());
      if (now() >= end) break;
      const t = now();
      const dt = await check(base, l, agent, errors);
      if (dt !== null) lat.push({ t, ms: dt });
      next += CHECK_EVERY_MS;
      while (next < now()) next += CHECK_EVERY_MS; // a slow check skips its missed turns
    }
    agent.destroy();
  });

  // The bursts run in a worker thread of their own, so that sending them does not delay this
  // thread's reading of the learners' answers (which would count as latency). Burst k starts at
  // (0.25 + 0.5 k / bursts) of the run.
  const bursts = Array.from({ length: BURSTS }, async (_, k) => {
    await sleep(t0 + durationS * 1000 * (0.25 + (0.5 * k) / BURSTS) - now());
    const rssBefore = sample()?.rssKb;
    const b = await runBurst(base, k);
    for (const [kind, answers] of Object.entries(b.tally)) {
      for (const [answer, n] of Object.entries(answers)) for (let j = 0; j < n; j++) hostile.add(kind, answer);
    }
    return { ...b, rssBefore, rssAfter: sample()?.rssKb };
  });

  await Promise.all(loops);
  const done = await Promise.all(bursts);
  const dropped = streams.filter((s) => s.status === 200 && s.ended).length;
  const noVerdict = streams.filter((s) => s.status === 200 && s.verdicts === 0).length;
  if (noVerdict) errors.add('live stream', `no verdict event at all (${noVerdict} streams)`);
  for (const s of streams) s.close?.();
  const runS = (now() - t0) / 1000;

  // After the run: the server answers, and its memory and connections come back down.
  const health = await request(base, { path: '/healthz' });
  await sleep(3000);
  clearInterval(sampler);
  const after = sample();
  const alive = !!after && health.status === 200;
  const clk = Number(process.env.CLK_TCK || 100);
  const peak = Math.max(...samples.map((s) => s.rssKb));
  const within = (t, from, to) => done.some((b) => t >= b[from] && t <= b[to]);
  const inBurst = lat.filter((x) => within(x.t, 'start', 'answered')).map((x) => x.ms);
  const calm = lat.filter((x) => !within(x.t, 'start', 'end')).map((x) => x.ms);
  const answeredS = done.map((b) => (b.answered - b.start) / 1000);
  const all = lat.map((x) => x.ms);

  const report = {
    learners: learners.length, duration_s: durationS, run_s: runS, provisioning,
    alone: { checks: alone.length, p50: pct(alone, 0.5), p99: pct(alone, 0.99) },
    checks: { count: all.length, p50: pct(all, 0.5), p99: pct(all, 0.99), max: Math.max(...all) },
    calm: { count: calm.length, p50: pct(calm, 0.5), p99: pct(calm, 0.99) },
    burst: {
      bursts: BURSTS, count: inBurst.length, p50: pct(inBurst, 0.5), p99: pct(inBurst, 0.99), answered_s: answeredS,
      hostile_requests: hostile.total(), rss_mb: done.map((b) => [b.rssBefore / 1024, b.rssAfter / 1024]),
    },
    streams: { opened: streams.filter((s) => s.status === 200).length, open_all_ms: openMs, dropped },
    errors: errors.toJSON(), error_count: errors.total(), hostile: hostile.toJSON(),
    server: {
      alive, rss_start_mb: before.rssKb / 1024, rss_peak_sampled_mb: peak / 1024,
      vmhwm_mb: (after ?? samples.at(-1)).hwmKb / 1024, rss_end_mb: after ? after.rssKb / 1024 : null,
      cpu_s: after ? (after.ticks - before.ticks) / clk : null,
      fds_start: before.fds, fds_peak: Math.max(...samples.map((s) => s.fds)), fds_end: after?.fds,
      threads_peak: Math.max(...samples.map((s) => s.threads)),
    },
    // For a closer look: every check (ms since the run began, latency ms), the burst's window,
    // and the server's RSS over time (ms, MiB).
    raw: {
      bursts: done.map((b) => [b.start - t0, b.answered - t0, b.end - t0].map(Math.round)),
      checks: lat.map((x) => [Math.round(x.t - t0), Number(x.ms.toFixed(1))]),
      rss: samples.map((s) => [Math.round(s.t - t0), Math.round(s.rssKb / 1024)]),
    },
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2));

  const r = report;
  const out = [];
  out.push(`| what | value |`, `|---|---|`);
  out.push(`| learners (own address each), live streams open | ${r.learners}, ${r.streams.opened} (all opened in ${ms(r.streams.open_all_ms)} ms) |`);
  out.push(`| provisioning: session starts, ${r.provisioning.concurrency} at once | ${r.provisioning.wall_s.toFixed(1)} s in all; per start p50 ${ms(r.provisioning.p50_ms)} ms, p99 ${ms(r.provisioning.p99_ms)} ms |`);
  out.push(`| run | ${r.run_s.toFixed(1)} s, a check every 5 s per learner |`);
  out.push(`| **check latency, all ${r.checks.count} checks** | **p50 ${ms(r.checks.p50)} ms, p99 ${ms(r.checks.p99)} ms** (max ${ms(r.checks.max)}) |`);
  out.push(`| of which outside the burst (${r.calm.count}) | p50 ${ms(r.calm.p50)} ms, p99 ${ms(r.calm.p99)} ms |`);
  out.push(`| of which while ${BURSTS === 1 ? 'the hostile burst was' : `the ${BURSTS} hostile bursts were`} being answered (${r.burst.count}, ${r.burst.answered_s.map((x) => x.toFixed(1)).join(' + ')} s) | p50 ${ms(r.burst.p50)} ms, p99 ${ms(r.burst.p99)} ms |`);
  out.push(`| one learner alone, before the load (${r.alone.checks} checks) | p50 ${ms(r.alone.p50)} ms, p99 ${ms(r.alone.p99)} ms |`);
  out.push(`| **learners' errors** | **${r.error_count}**${r.error_count ? ` ${json(r.errors)}` : ''} |`);
  out.push(`| live streams dropped | ${r.streams.dropped} |`);
  out.push(`| hostile requests | ${r.burst.hostile_requests} |`);
  out.push(`| server RSS: start → peak (sampled) → end; VmHWM | ${r.server.rss_start_mb.toFixed(0)} → ${r.server.rss_peak_sampled_mb.toFixed(0)} → ${r.server.rss_end_mb?.toFixed(0) ?? '–'} MiB; **${r.server.vmhwm_mb.toFixed(0)} MiB** |`);
  if (BURSTS > 1) out.push(`| server RSS before → after each burst | ${r.burst.rss_mb.map(([a, z]) => `${a.toFixed(0)} → ${z.toFixed(0)}`).join(', ')} MiB |`);
  out.push(`| server CPU (user + system) over the run | ${r.server.cpu_s?.toFixed(1) ?? '–'} s |`);
  out.push(`| server file descriptors: start, peak, end; threads peak | ${r.server.fds_start}, ${r.server.fds_peak}, ${r.server.fds_end ?? '–'}; ${r.server.threads_peak} |`);
  out.push(`| **server alive at the end (/healthz)** | **${r.server.alive ? 'yes' : 'NO'}** |`);
  out.push('', `| hostile requests | answers |`, `|---|---|`);
  for (const [kind, answers] of Object.entries(r.hostile)) {
    out.push(`| ${kind} | ${Object.entries(answers).sort((a, b) => b[1] - a[1]).map(([a, n]) => `${n} × ${a}`).join(', ')} |`);
  }
  console.log(out.join('\n'));
  process.exit(r.error_count === 0 && r.server.alive ? 0 : 1);
}

// ---------------------------------------------------------------- main

if (!isMainThread) {
  await burstWorker(workerData);
} else if (mode === 'start' && args.length === 4) {
  await startPhase(args[0], Number(args[1]), Number(args[2]), args[3]);
} else if (mode === 'run' && args.length === 4) {
  await runPhase(args[0], Number(args[1]), args[2], Number(args[3]));
} else {
  console.error('usage: node scripts/bench-load.mjs start <base-url> <learners> <concurrency> <dir>\n' +
    '       node scripts/bench-load.mjs run <base-url> <server-pid> <dir> <duration-s>');
  process.exit(2);
}
