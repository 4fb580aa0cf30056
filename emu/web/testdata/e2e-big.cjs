// The web view of a world of many namespaces on one bridge, in a real
// browser, run by TestBrowserManyNamespaces (browser_big_test.go):
//
//   node e2e-big.cjs URL OUTDIR N
//
// The page must draw the compact view (one node per namespace, the bridge
// ports folded into the links), find a namespace and open its tables, and
// sample the flood of an ARP broadcast to every port rather than queue it.
// The Go side starts the ping when the page has drawn the topology and
// prints "drawn" for it; this script waits for the ping's lines.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { chromium } = require('playwright-core');

const [url, outDir, n] = process.argv.slice(2);
const N = Number(n);

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

async function waitFor(page, what, fn, arg, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) {
      const diag = await page.evaluate(() => ({ stats: window.nsemu.state.stats, hellos: window.nsemu.state.hellos, lines: document.querySelectorAll('#timeline .ev').length,
        last: [...document.querySelectorAll('#timeline .ev')].slice(-5).map((e) => e.textContent) }));
      fail('waited ' + timeout + ' ms for ' + what + ': ' + JSON.stringify(diag));
    }
    await page.waitForTimeout(100);
  }
}

async function main() {
  const userDir = fs.mkdtempSync(path.join(outDir, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1500, height: 900 },
  });
  const errors = [];
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(url);
  await waitFor(page, N + ' namespaces drawn', (want) => window.nsemu.cy.nodes('[type="ns"]').length >= want, N + 1);
  const drawnMs = Date.now() - t0;
  const info = await page.textContent('#graphinfo');
  if (!info.includes('compact view')) fail('not the compact view: ' + info);
  const devNodes = await page.evaluate(() => window.nsemu.cy.nodes('[type="dev"]').length);
  if (devNodes) fail(devNodes + ' device nodes drawn in the compact view');
  await page.screenshot({ path: path.join(outDir, 'many-fit.png') });
  console.log('drawn'); // the Go side pings now

  // Find the last namespace: its tables open.
  const last = 'ns' + (N - 1);
  await page.fill('#find', last);
  await page.press('#find', 'Enter');
  await waitFor(page, last + "'s tables", (name) => document.getElementById('detail-title').textContent === name, last);

  // The ping's broadcast reaches every port: the page samples it.
  await waitFor(page, 'the ping\'s echo reply', () =>
    [...document.querySelectorAll('#timeline .ev')].some((e) => e.textContent.includes('ICMP echo reply')));
  await waitFor(page, 'frames sampled out', () => {
    const s = window.nsemu.state.stats;
    return window.nsemu.graph.drawn > 0 && s && (s.notAnimated + window.nsemu.graph.notDrawn) > 0;
  });
  await page.screenshot({ path: path.join(outDir, 'many.png') });
  if (errors.length) fail('errors on the page: ' + errors.join('; '));
  const st = await page.evaluate(() => ({ drawn: window.nsemu.graph.drawn, notDrawn: window.nsemu.graph.notDrawn, stats: window.nsemu.state.stats }));
  await context.close();
  console.log('ok: ' + N + ' namespaces drawn in ' + drawnMs + ' ms; frames animated ' + st.drawn +
    ', sampled out ' + (st.notDrawn + st.stats.notAnimated) + ', dropped ' + st.stats.dropped);
}

main().catch((e) => fail(e.stack || String(e)));
