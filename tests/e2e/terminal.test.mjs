// The in-page terminal against the sandbox (issue #12): a learner opens the dock on the
// Deployment lesson, types `kubectl create deployment …` into their toolbox's shell (kwok runs it
// on this machine as the learner ServiceAccount, docs/SANDBOX.md), and the exercise's Live panel
// turns green without a reload. Copy and paste work as people expect, a pasted heredoc arrives
// whole, another namespace is forbidden, a cut WebSocket reconnects on its own to the same shell
// with its scrollback, a reload reopens it, "Run in terminal" types a lesson's command and runs
// it on the second press, and signing out closes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, addInstructor, k, startBrowser, openPage, waitForPanel, until, violations, artifacts } from './harness.mjs';

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

/** Everything the terminal holds, scrollback and screen, one line per row. */
const termText = (page) =>
  page.evaluate(() => {
    const b = window.kubelabTerminal.term.buffer.active;
    const out = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
    return out.join('\n');
  });
const status = (page) => page.locator('#terminal-dock .term-status').textContent();
const waitFor = (page, what, re, timeoutMs = 60000) =>
  until(what, async () => re.test(await termText(page)), { timeoutMs });
const connected = (page) =>
  until('the terminal to connect', async () => (await status(page)) === 'Connected', { timeoutMs: 60000 });

test('the terminal dock: a command turns Live green, copy and paste, reconnect with scrollback, reload, Run in terminal, sign-out', async () => {
  const { page, context, problems } = await openPage(browser, server.base, {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto('/en/learn/deployment');
  const panel = await waitForPanel(page, 'deployment');
  await panel.locator('.live-toggle').click();
  await panel.locator('.verdict[data-passed="false"]').waitFor({ timeout: 30000 });
  assert.ok(!fetched.some((p) => p.startsWith('/pkg/terminal')), `the terminal loads only when opened: ${fetched}`);

  // Opened from its button: the module and its styles arrive then, and the shell connects.
  const opener = page.locator('.term-open');
  await opener.click();
  await connected(page);
  assert.ok(fetched.includes('/pkg/terminal.js') && fetched.includes('/pkg/terminal.css'));
  assert.equal(await opener.getAttribute('aria-expanded'), 'true');
  await page.keyboard.type('kubectl create deployment ngx-dep --image=nginx:alpine --replicas=2');
  await page.keyboard.press('Enter');
  await waitFor(page, 'the shell to say it created the Deployment', /deployment\.apps\/ngx-dep created/);
  await panel.locator('.verdict[data-passed="true"]').waitFor({ timeout: 60000 });

  // Ctrl+V pastes the clipboard: an 8 KB heredoc arrives whole while the shell echoes it.
  const lines = Array.from({ length: 250 }, (_, i) => `  key-${String(i).padStart(4, '0')}: "value ${i} 滚动"`);
  await page.evaluate((t) => navigator.clipboard.writeText(t), `cat > big.yaml <<'EOF'\nbig:\n${lines.join('\n')}\nEOF\n`);
  await page.keyboard.press('Control+V');
  await page.keyboard.type('echo "lines=$(grep -c key- big.yaml)"');
  await page.keyboard.press('Enter');
  await waitFor(page, 'the pasted heredoc to arrive whole', /lines=250/);

  // Ctrl+C interrupts a running command when nothing is selected…
  await page.keyboard.type('sleep 600; echo slept-through');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+C');
  await page.keyboard.type('echo after-$((6*7))');
  await page.keyboard.press('Enter');
  await waitFor(page, 'Ctrl+C to interrupt the sleep', /^after-42$/m);
  assert.doesNotMatch(await termText(page), /^slept-through$/m);
  // …and copies a selection; so does Ctrl+Shift+C.
  for (const keys of ['Control+C', 'Control+Shift+C']) {
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.evaluate(() => {
      const t = window.kubelabTerminal.term;
      const b = t.buffer.active;
      for (let i = b.length - 1; i >= 0; i--) {
        const line = b.getLine(i).translateToString(true);
        if (line === 'after-42') return t.select(0, i, line.length);
      }
    });
    await page.keyboard.press(keys);
    await until(`${keys} to copy the selection`, async () =>
      (await page.evaluate(() => navigator.clipboard.readText())) === 'after-42');
  }

  await page.keyboard.type('kubectl get pods -n kube-system');
  await page.keyboard.press('Enter');
  await waitFor(page, 'the API to refuse another namespace', /forbidden/i, 30000);

  // More than a screenful, then the WebSocket is cut: it reconnects on its own to the same
  // session, and what scrolled off the screen is back in the scrollback.
  await page.keyboard.type("seq -f 'row-%03g' 1 150");
  await page.keyboard.press('Enter');
  await waitFor(page, 'the rows', /^row-150$/m);
  const cut = await page.evaluate(() => {
    const ws = window.kubelabTerminal.ws;
    ws.close();
    return ws.readyState;
  });
  assert.ok(cut >= 2, 'closing');
  await until('the terminal to notice the cut', async () => (await status(page)) !== 'Connected');
  await connected(page);
  await waitFor(page, 'the scrollback to come back', /^row-001$[\s\S]*^row-150$/m);
  assert.match(await termText(page), /forbidden/i, 'and what came before it');

  // A reload: the dock was left open, so it opens again and reattaches.
  await page.reload();
  await connected(page);
  await waitFor(page, 'the session after a reload', /^row-150$/m);

  // "Run in terminal" on a lesson block: the first press types the command, the second runs it.
  const command = await page.evaluate(() => {
    const b = [...document.querySelectorAll('.run-btn')].find(
      (b) => !b.hidden && b.dataset.run.startsWith('kubectl get') && !b.dataset.run.includes('\n'),
    );
    b.id = 'run-under-test';
    return b.dataset.run;
  });
  const run = page.locator('#run-under-test');
  const afterCommand = async () => {
    const text = await termText(page);
    const at = text.lastIndexOf(command);
    return at < 0 ? null : text.slice(at + command.length);
  };
  await run.scrollIntoViewIfNeeded();
  await run.click();
  await until('the command at the prompt', async () => (await afterCommand())?.trim() === '');
  assert.equal(await run.textContent(), 'Press Enter to run ↵');
  await run.click();
  await until('the command to run', async () => /No resources found|NAME/.test((await afterCommand()) ?? ''));
  assert.equal(await run.textContent(), 'Run in terminal');

  await page.screenshot({ path: join(artifacts, 'terminal-dock.png') });

  // Signing out closes the terminal, and says why.
  await page.evaluate(() => fetch('/api/session/logout', { method: 'POST' }));
  await until('the terminal to close on sign-out', async () => /closed/.test(await status(page)), { timeoutMs: 30000 });
  // …wipes what the shell showed (a shared computer), and the next page does not reopen it.
  assert.doesNotMatch(await termText(page), /row-150|forbidden/i);
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('kubelab.terminal')).open), false);

  // Nobody else gets in: without the learner's session the upgrade is refused.
  const other = await browser.newContext({ baseURL: server.base });
  const refused = await other.request.get('/api/me/terminal', { headers: { origin: server.base } });
  assert.equal(refused.status(), 401);
  await other.close();
  assert.deepEqual(problems.filter((p) => !/WebSocket/.test(p)), []);
  await context.close();
});

test('on a phone held sideways the dock fits below the text, axe finds nothing serious, and Shift+Tab leaves the terminal', async () => {
  const { page, context } = await openPage(browser, server.base, {
    viewport: { width: 667, height: 375 },
    isMobile: true,
    hasTouch: true,
    // axe is injected as a script: the page's policy would refuse it.
    bypassCSP: true,
  });
  await page.goto('/zh/learn/deployment');
  await page.locator('.term-open').click();
  await until('the terminal to connect', async () => (await status(page)) === '已连接', { timeoutMs: 60000 });
  assert.equal(await page.locator('#terminal-dock').getAttribute('data-layout'), 'below');
  assert.ok(await page.locator('[data-term="layout"]').isHidden(), 'no room beside the text');
  const box = await page.locator('#terminal-dock').boundingBox();
  assert.ok(box.height >= 120 && box.height <= 375 * 0.85, `height ${box.height}`);
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
    'nothing scrolls sideways',
  );
  await page.screenshot({ path: join(artifacts, 'terminal-phone-landscape.png') });
  assert.deepEqual(await violations(page), [], 'nothing serious for axe with the dock open');
  // Tab is the shell's (completion); Shift+Tab moves to the dock's buttons.
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.term-bar') !== null), true);
  await page.locator('[data-term="close"]').click();
  assert.ok(await page.locator('#terminal-dock').isHidden());
  assert.equal(await page.locator('.term-open').getAttribute('aria-expanded'), 'false');
  await context.close();
});

test('a classroom that records commands: the dock says so, the board shows what the learner ran, and turning it off is heard', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubelab-e2e-record-'));
  const [email, password] = ['rec@example.test', 'correct horse battery'];
  const database = addInstructor(dataDir, email, password);
  const classServer = await startServer({ args: ['--namespace-prefix', prefix, '--database', database] });
  try {
    const teacher = await openPage(browser, classServer.base);
    const login = await teacher.page.request.post('/api/teach/login', { data: { email, password } });
    assert.equal(login.status(), 200, await login.text());
    const created = await teacher.page.request.post('/api/teach/classrooms', { data: { name: 'Recorded class' } });
    const { id, code } = await created.json();
    await teacher.page.goto(`/en/teach/${id}`);
    const recordSwitch = teacher.page.locator('input[data-action="record"]');
    await until('the board', async () => !(await recordSwitch.isDisabled()));
    assert.equal(await recordSwitch.isChecked(), false, 'off unless the instructor turns it on');
    await recordSwitch.check();
    await until('recording on', async () => {
      const list = await (await teacher.page.request.get('/api/teach/classrooms')).json();
      return list.find((c) => c.id === id)?.record_commands === true;
    });

    const learner = await openPage(browser, classServer.base);
    const joined = await learner.page.request.post('/api/session/join', { data: { code, name: 'Lin' }, headers: { origin: classServer.base } });
    assert.equal(joined.status(), 200, await joined.text());
    const { learner: me } = await joined.json();
    await learner.page.goto('/en/learn/deployment');
    await learner.page.locator('.term-open').click();
    await connected(learner.page);
    const notice = learner.page.locator('#terminal-dock [data-term="recording"]');
    assert.ok(await notice.isVisible(), 'the learner is told that their commands are recorded');
    await learner.page.locator('#terminal-dock .xterm-helper-textarea').focus();
    await learner.page.keyboard.type('echo recorded-$((6*7))');
    await learner.page.keyboard.press('Enter');
    await waitFor(learner.page, 'the command to run', /^recorded-42$/m);
    await learner.page.keyboard.type(' echo private-$((6*7))');
    await learner.page.keyboard.press('Enter');
    await waitFor(learner.page, 'the unrecorded command to run', /^private-42$/m);

    // On the board: the learner's history shows the command, not the one started with a space.
    const cell = teacher.page.locator(`td.cell[data-learner="${me.id}"]`).first();
    await cell.locator('button').click();
    const commands = teacher.page.locator('.history .commands');
    await until('the command on the board', async () => {
      await cell.locator('button').click();
      return /echo recorded-\$\(\(6\*7\)\)/.test((await commands.textContent({ timeout: 2000 }).catch(() => '')) ?? '');
    }, { timeoutMs: 30000, everyMs: 1000 });
    assert.doesNotMatch(await commands.textContent(), /private/);

    // Off: the open terminal hears it at its next re-check (every 20 s) and stops saying so.
    await recordSwitch.uncheck();
    await until('recording off', async () => {
      const list = await (await teacher.page.request.get('/api/teach/classrooms')).json();
      return list.find((c) => c.id === id)?.record_commands === false;
    });
    await until('the dock to stop saying it records', async () => !(await notice.isVisible()), { timeoutMs: 45000, everyMs: 500 });
    await learner.page.keyboard.type('echo after-off');
    await learner.page.keyboard.press('Enter');
    await waitFor(learner.page, 'the command after recording stopped', /^after-off$/m);
    const kept = await teacher.page.request.get(`/api/teach/classrooms/${id}/learners/${me.id}/commands`);
    assert.deepEqual((await kept.json()).map((c) => c.command), ['echo recorded-$((6*7))']);
    await learner.page.keyboard.type('tmux kill-server');
    await learner.page.keyboard.press('Enter');
    assert.deepEqual([...teacher.problems, ...learner.problems].filter((p) => !/WebSocket/.test(p)), []);
  } finally {
    await classServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
