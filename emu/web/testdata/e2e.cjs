// End-to-end test of the web view in a real browser, run by
// TestBrowser (browser_test.go) against scenarios/002-veth-bridge-nat.sh
// paused before its first command:
//
//   node e2e.cjs URL OUTDIR
//
// It steps line by line to the first ping, checks the devices and their
// addresses in the topology, steps event by event through the ARP
// broadcast, its flood and the reply, opens the bridge's CAM table, takes
// a screenshot, lets the script run to the end and downloads the capture.
// It prints "ok" and exits 0, or prints why and exits 1. Needs
// playwright-core (NODE_PATH) and /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [url, outDir] = process.argv.slice(2);
const STEP_TIMEOUT = 15000;

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

// waitFor polls fn (run in the page) until it returns a truthy value.
async function waitFor(page, what, fn, arg, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) {
      const status = await page.textContent('#status');
      fail('waited ' + timeout + ' ms for ' + what + ' (status: ' + status + ')');
    }
    await page.waitForTimeout(50);
  }
}

const status = (page) => page.textContent('#status');
const timelineHas = (text) => [...document.querySelectorAll('#timeline .ev')].some((e) => e.textContent.includes(text));

// press clicks a step button and waits for the next pause.
async function press(page, button) {
  const before = await status(page);
  await page.click('#btn-' + button);
  await waitFor(page, 'the pause after ' + button + ' (was: ' + before + ')', (b) => {
    const s = document.getElementById('status').textContent;
    return s.startsWith('Paused') && s !== b;
  }, before);
  return status(page);
}

async function main() {
  const userDir = fs.mkdtempSync(path.join(outDir, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
    viewport: { width: 1500, height: 900 },
    acceptDownloads: true,
  });
  const errors = [];
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);

  // The script waits before its first command.
  await waitFor(page, 'the pause before line 1', () => document.getElementById('status').textContent.includes('Paused ▶ line'));

  // Next line, through the setup, to the first ping.
  for (let i = 0; ; i++) {
    const s = await status(page);
    if (s.includes('ip netns exec ns1 ping -c 2 192.168.28.2')) break;
    if (i > 80) fail('no pause before the first ping after 80 lines (status: ' + s + ')');
    await press(page, 'line');
  }

  // The devices and their addresses are drawn.
  const labels = ['veth-1\n192.168.28.1/24', 'veth-2\n192.168.28.2/24', 'veth-3\n192.168.28.3/24',
    'vbridge (bridge)', 'ens33\n192.168.17.10/24', 'veth-1-br', 'eth0\n192.168.17.2/24\n203.0.113.8/24'];
  await waitFor(page, 'the devices and addresses in the topology', (want) => {
    const have = new Set(window.nsemu.cy.nodes().map((n) => n.data('label')));
    return want.every((l) => have.has(l));
  }, labels);

  // Next event: the first ARP request is in the timeline, and the pause
  // is at it.
  let s = await press(page, 'next');
  if (!s.includes('ns1 veth-1') || !s.includes('→ ARP who-has 192.168.28.2 tell 192.168.28.1 (broadcast)')) {
    fail('the first event is not ns1\'s ARP request: ' + s);
  }
  await waitFor(page, 'the ARP request in the timeline', timelineHas, '→ ARP who-has 192.168.28.2 tell 192.168.28.1 (broadcast)');
  await waitFor(page, 'the ARP request marked as where the pause is',
    () => document.querySelector('#timeline .ev.at')?.textContent.includes('→ ARP who-has 192.168.28.2'));

  // Step through the flood and the reply.
  for (let i = 0; !s.includes('ns1 veth-1') || !s.includes('← ARP reply 192.168.28.2 is-at'); i++) {
    if (i > 20) fail('no ARP reply at ns1 after 20 events (status: ' + s + ')');
    s = await press(page, 'next');
  }
  await waitFor(page, 'the flood in the timeline', () => [...document.querySelectorAll('#timeline .ev')].some((e) =>
    e.textContent.includes('floods the broadcast') && e.textContent.includes('to vbridge, veth-2-br, veth-3-br')));
  await waitFor(page, 'the broadcast reaching ns2 and ns3', (want) => want.every((subject) =>
    [...document.querySelectorAll('#timeline .ev')].some((e) => e.querySelector('.s').textContent === subject &&
      e.querySelector('.x').textContent.startsWith('← ARP who-has 192.168.28.2'))), ['ns2 veth-2', 'ns3 veth-3']);
  // The request to veth-1-br, the flood to veth-2 and veth-3, the reply to
  // veth-2-br and to veth-1: five frames drawn moving.
  const drawn = await waitFor(page, 'five frames drawn moving', () => window.nsemu.graph.drawn >= 5 && window.nsemu.graph.drawn);

  // Click the bridge: its CAM has the entry the ping made for ns1's MAC.
  const mac1 = await page.evaluate(() => window.nsemu.graph.devs.get('netns/ns1/veth-1').mac);
  const mac2 = await page.evaluate(() => window.nsemu.graph.devs.get('netns/ns2/veth-2').mac);
  // (Once no frame is moving: a frame crossing the bridge would take the
  // click, and open its own story.)
  await waitFor(page, 'the frames to arrive', () => window.nsemu.graph.inflight === 0 && !window.nsemu.cy.nodes('.pkt').length);
  const pos = await page.evaluate(() => window.nsemu.cy.getElementById('host/vbridge').renderedPosition());
  const box = await page.locator('#cy').boundingBox();
  await page.mouse.click(box.x + pos.x, box.y + pos.y);
  await waitFor(page, 'the CAM entries of ns1 and ns2 on vbridge', ([m1, m2]) => {
    const rows = [...document.querySelectorAll('#detail tr')].map((r) => r.textContent);
    return document.getElementById('detail').textContent.includes('Bridge vbridge: CAM table') &&
      rows.some((r) => r.includes('veth-1-br') && r.includes(m1)) &&
      rows.some((r) => r.includes('veth-2-br') && r.includes(m2));
  }, [mac1, mac2]);

  // One more event (the echo request on its way), and the picture.
  await press(page, 'next');
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(outDir, 'screenshot.png') });

  // The filter hides CAM lines, and shows them again.
  await page.uncheck('#filters input[data-cat="cam"]');
  const camShown = await page.evaluate(() => [...document.querySelectorAll('#timeline .ev.cat-cam')].filter((e) => e.offsetParent).length);
  if (camShown) fail(camShown + ' CAM lines still shown with cam unchecked');
  await page.check('#filters input[data-cat="cam"]');

  // A timeline line opens its frame's story.
  await page.locator('#timeline .ev', { hasText: '→ ARP who-has 192.168.28.2 tell 192.168.28.1' }).first().click();
  await waitFor(page, 'the ARP request\'s story', () => {
    const d = document.getElementById('detail').textContent;
    return d.includes('Address Resolution Protocol (request)') && d.includes('no neighbour entry for 192.168.28.2');
  });

  // Continue: the script runs to the end (MASQUERADE at last).
  await page.click('#btn-continue');
  await waitFor(page, 'the NAT rewrite at the end of the script', timelineHas, 'MASQUERADE 192.168.28.1', 60000);

  // Save the capture.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  await download.saveAs(path.join(outDir, 'capture.pcapng'));

  if (errors.length) fail('errors on the page: ' + errors.join('; '));
  await context.close();
  console.log('ok: ' + drawn + ' frames drawn before the CAM check');
}

main().catch((e) => fail(e.stack || String(e)));
