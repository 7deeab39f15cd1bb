// The HTTP half of scripts/test-image: talks to a kubelab container as a browser would. Each
// command exits 0 when what it checks holds, 1 with a message when not.
//
// usage: node scripts/test-image.mjs page <base-url> <path> <text>
//          the page answers 200 with <text> in it, and every /pkg/ asset it links answers 200
//        node scripts/test-image.mjs submit <base-url> <state-file>
//          a new learner submits the right answer to the offline exercise docker-run, from the
//          page's own origin; the verdict passes; writes {cookie, attempt} to <state-file>
//        node scripts/test-image.mjs attempts <base-url> <state-file>
//          with the cookie of <state-file>, /api/me/attempts lists that attempt, passed
import { readFileSync, writeFileSync } from 'node:fs';

const [command, base, ...args] = process.argv.slice(2);
const exercise = 'docker-run';
const answer = 'docker run -d --rm -p 8080:80 -v /tmp:/tmp nginx:alpine';

function fail(message) {
  console.error(`test-image: ${message}`);
  process.exit(1);
}

async function page(path, text) {
  const r = await fetch(`${base}${path}`);
  const html = await r.text();
  if (r.status !== 200) fail(`GET ${path}: ${r.status}`);
  if (!html.includes(text)) fail(`GET ${path}: no "${text}" in the page`);
  const assets = [...new Set([...html.matchAll(/["'](\/pkg\/[^"'?#]+)/g)].map((m) => m[1]))];
  if (assets.length === 0) fail(`GET ${path}: the page links no /pkg/ asset (the built site)`);
  for (const asset of assets) {
    const a = await fetch(`${base}${asset}`);
    await a.arrayBuffer();
    if (a.status !== 200) fail(`GET ${asset}: ${a.status}`);
  }
  console.log(`${path}: 200, "${text}", ${assets.length} site assets 200 (${assets.join(', ')})`);
}

async function submit(stateFile) {
  // The same-origin check compares Origin with the address the browser used.
  const r = await fetch(`${base}/api/exercises/${exercise}/submit`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'text/plain' },
    body: answer,
  });
  const body = await r.text();
  if (r.status !== 200) fail(`submit: ${r.status} ${body}`);
  const verdict = JSON.parse(body);
  if (verdict.passed !== true) fail(`submit: the right answer did not pass: ${body}`);
  const attempt = r.headers.get('x-kubelab-attempt');
  const cookie = r.headers.get('set-cookie')?.split(';')[0];
  if (!attempt || !cookie) fail(`submit: no attempt id (${attempt}) or no session cookie (${cookie})`);
  writeFileSync(stateFile, JSON.stringify({ cookie, attempt }));
  console.log(`submitted ${exercise}: passed, attempt ${attempt}`);
}

async function attempts(stateFile) {
  const { cookie, attempt } = JSON.parse(readFileSync(stateFile, 'utf8'));
  const r = await fetch(`${base}/api/me/attempts`, { headers: { cookie } });
  const body = await r.text();
  if (r.status !== 200) fail(`attempts: ${r.status} ${body}`);
  const found = JSON.parse(body).find((a) => String(a.id) === attempt);
  if (!found) fail(`attempt ${attempt} is not among the learner's attempts: ${body}`);
  if (found.exercise_id !== exercise || found.passed !== true) fail(`attempt ${attempt} changed: ${JSON.stringify(found)}`);
  console.log(`attempt ${attempt} is there (${exercise}, passed)`);
}

try {
  if (command === 'page' && args.length === 2) await page(...args);
  else if (command === 'submit' && args.length === 1) await submit(...args);
  else if (command === 'attempts' && args.length === 1) await attempts(...args);
  else {
    console.error('usage: node scripts/test-image.mjs page|submit|attempts <base-url> ... (see the header)');
    process.exit(2);
  }
} catch (e) {
  fail(`${command}: ${e.message}`);
}
