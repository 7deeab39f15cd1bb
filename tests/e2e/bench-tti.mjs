// Time to interactive of a lesson page on a throttled phone-like profile (BENCHMARKS.md):
// Chromium with 4x CPU slowdown and DevTools' "Fast 3G" network, a cold cache each run. A page
// is interactive when its copy buttons work (the CopyCode island marks itself ready).
// usage: node bench-tti.mjs LABEL RUNS PATH...   (KUBELAB_BIN, KUBELAB_SITE_ROOT as for the e2e tests)
import { startServer, startBrowser } from './harness.mjs';

const [label, runsArg, ...paths] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || paths.length === 0) {
  console.error('usage: node bench-tti.mjs LABEL RUNS PATH...');
  process.exit(2);
}
// DevTools' "Fast 3G" preset.
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const server = await startServer();
const browser = await startBrowser();
try {
  for (const path of paths) {
    const tti = [];
    const fcp = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', FAST_3G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(server.base + path, { waitUntil: 'commit' });
      await page.waitForSelector('.copy-scope[data-ready]', { state: 'attached', timeout: 120_000 });
      const t = await page.evaluate(() => ({
        ready: performance.now(),
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        bytes: performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname.startsWith('/pkg/'))
          .reduce((s, e) => s + e.encodedBodySize, 0),
      }));
      tti.push(t.ready);
      fcp.push(t.fcp);
      bytes = t.bytes;
      await context.close();
    }
    const ms = (x) => `${Math.round(x)} ms`;
    console.log(
      `| ${label} | ${path} | ${ms(pct(fcp, 50))} | ${ms(pct(tti, 50))} | ${ms(pct(tti, 99))} | ${(bytes / 1024).toFixed(1)} KB |`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
}
