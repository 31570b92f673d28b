#!/usr/bin/env node
// Demo: the offline HubSpot simulator + Chromium (or Firefox ESR) with the built extension, the REAL
// devtools panel "HubSpot Chat" opened on the shop page, a few SDK events emitted, one row selected.
//
//   node tests/demo.mjs                    (make demo)
//   BROWSER=firefox node tests/demo.mjs    (make demo BROWSER=firefox)
//
// Without $DISPLAY (or with DEMO_HEADLESS=1): headless; writes a screenshot of the devtools window
// to target/demo/panel.png (and the page to target/demo/page.png), prints the absolute path, then
// one screenshot of the panel per view in the light and the dark devtools theme: Chromium writes
// them to docs/screenshots/<view>-<theme>.png (the README's pictures), Firefox to
// target/demo/firefox/views/; then exits.
// With a display: a normal browser window (docked devtools); the script waits until you close it.
// Env: BROWSER=chromium|firefox, CWI_EXTENSION / CWI_EXTENSION_FIREFOX=<unpacked extension dir>
// (default dist/chrome, dist/firefox), DEMO_PAGE=index.html.
import path from 'node:path';
import { REPO_ROOT } from './harness/driver.mjs';
import { missingPrerequisite } from './harness/session.mjs';
import { extensionDir, launchBrowser } from './harness/browsers.mjs';
import { startSite, emit, simReady, conversation } from './harness/site.mjs';
import { waitForPanelReady, waitForEvents, clickRow, waitForApiState, selectView } from './harness/panel-ui.mjs';

const headless = !process.env.DISPLAY || process.env.DEMO_HEADLESS === '1';
const pageName = process.env.DEMO_PAGE || 'index.html';
const browser = (process.env.BROWSER || 'chromium').toLowerCase().replace(/^chrome$/, 'chromium');
if (!['chromium', 'firefox'].includes(browser)) {
  console.error(`demo: BROWSER must be chromium or firefox, not ${browser}`);
  process.exit(2);
}
const EXTENSION_DIR = extensionDir(browser);
const outDir = path.join(REPO_ROOT, 'target/demo', browser === 'chromium' ? '' : browser);
const viewsDir = browser === 'chromium' ? path.join(REPO_ROOT, 'docs/screenshots') : path.join(outDir, 'views');
const VIEWS = ['Events', 'Diagnostics', 'Widget', 'Settings', 'Cookies'];
const paint = (d) => d.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

const missing = missingPrerequisite({ browser, extension: EXTENSION_DIR });
if (missing) {
  console.error(`demo: ${missing}`);
  process.exit(1);
}

const site = await startSite();
let h;
let exitCode = 0;
try {
  h = await launchBrowser(browser, {
    extension: EXTENSION_DIR,
    headless,
    windowSize: [1400, 900],
    // Headless: an undocked devtools window is its own 1400x900 picture of the panel.
    devtoolsDock: headless ? 'undocked' : 'bottom',
  });
  const url = new URL(pageName, site.url).href;
  console.log(`simulator: ${site.url}  ${browser}  extension: ${EXTENSION_DIR}  ${headless ? 'headless' : 'headed'}`);
  const page = await h.newPage(url);
  await simReady(page);

  const dt = await h.openDevtoolsPanel(page);
  if (headless) await dt.setWindowSize(1400, 900).catch(() => {});
  await waitForPanelReady(dt);
  await waitForApiState(dt, 'ready');

  await emit(page, 'conversationStarted', conversation(123));
  await page.evaluate(() => window.hsSim.emitAll());
  await emit(page, 'unreadConversationCountChanged', { unreadCount: 2 });
  await page.evaluate(() => window.hsSim.openChange(true, true));
  await waitForEvents(dt, 'conversationStarted', '"conversationId":123');
  await waitForEvents(dt, 'unreadConversationCountChanged', '"unreadCount":2');
  await clickRow(dt, 'conversationStarted', { fragment: '"conversationId":123' });
  // Let the detail pane and the JSON tree paint.
  await dt.waitFor(() => !!document.querySelector('[data-testid="payload"]'), { timeout: 5000 }).catch(() => {});
  await dt.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  if (headless) {
    const file = await dt.screenshot(path.join(outDir, 'panel.png'));
    await page.screenshot({ path: path.join(outDir, 'page.png') });
    console.log(path.resolve(file));
    for (const theme of ['light', 'dark']) {
      await dt.setDevtoolsTheme(theme);
      await dt.waitFor(`document.documentElement.getAttribute('data-theme') === ${JSON.stringify(theme)}`,
        { timeout: 10000, message: `the ${theme} theme` });
      for (const view of VIEWS) {
        await selectView(dt, view);
        await paint(dt);
        console.log(path.resolve(await dt.screenshot(path.join(viewsDir, `${view.toLowerCase()}-${theme}.png`))));
      }
    }
    await selectView(dt, 'Events');
  } else {
    console.log(`The devtools panel "HubSpot Chat" is open on the shop page in ${browser}. Close the browser to end the demo.`);
    await new Promise((resolve) => {
      h.context.once('close', resolve);
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
} catch (e) {
  console.error(`demo failed: ${e && e.stack || e}`);
  exitCode = 1;
} finally {
  await h?.close();
  await site.close();
}
process.exit(exitCode);
