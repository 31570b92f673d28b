// One browser + one simulator server for a test file (or for one browser's part of it).
//
//   const s = await openSession();                       // Chromium, dist/chrome (or $CWI_EXTENSION)
//   const s = await openSession({ browser: 'firefox' }); // Firefox ESR, dist/firefox
//   const page = await s.h.newPage(s.url('index.html'));
//   ...
//   await s.close();
//
// Test files use forEachBrowser(defineTests) (below): one session per browser for all its tests.
import { describe, before, after } from 'node:test';
import { startSite, siteAvailable, ensureNoHubspotPage, simReady } from './site.mjs';
import { waitForPanelReady } from './panel-ui.mjs';
import { extensionDir, browserMissing, launchBrowser, selectedBrowsers } from './browsers.mjs';

/** Why e2e tests cannot run here, or null. Tests FAIL with this message (they never skip). */
export function missingPrerequisite({ browser = 'chromium', extension = extensionDir(browser) } = {}) {
  if (!siteAvailable()) return 'tests/site/server.mjs is missing';
  return browserMissing(browser, extension);
}

export async function openSession({ browser = 'chromium', extension = extensionDir(browser), ...launchOptions } = {}) {
  const missing = missingPrerequisite({ browser, extension });
  if (missing) throw new Error(missing);
  const site = await startSite();
  return { ...await launchOnSite(site, browser, { extension, ...launchOptions }), url: (rel) => new URL(rel, site.url).href };
}

/**
 * `browser` launched with `launchOptions`, for the simulator server `site` (already started):
 * `{browser, h, site, close()}`. close() (or a failed launch) closes the browser and the server,
 * then runs `cleanup()`.
 */
export async function launchOnSite(site, browser, launchOptions, cleanup = () => {}) {
  let h;
  try {
    h = await launchBrowser(browser, launchOptions);
    if (browser === 'chromium') await ensureNoHubspotPage(h.context);
  } catch (e) {
    await h?.close().catch(() => {});
    await site.close();
    cleanup();
    throw e;
  }
  return {
    browser,
    h,
    site,
    async close() {
      await h.close().catch(() => {});
      await site.close().catch(() => {});
      cleanup();
    },
  };
}

/**
 * A page on `rel` (its chat loaded, unless `ready: false`) and its panel, rendered: opened as a
 * browser tab, or in the REAL devtools with `devtools: true`. `close()` closes both.
 */
export async function openPageWithPanel(s, rel, { devtools = false, ready = true } = {}) {
  const page = await s.h.newPage(s.url(rel));
  if (ready) await simReady(page);
  const panel = devtools ? await s.h.openDevtoolsPanel(page) : await s.h.openPanelTab(page);
  await waitForPanelReady(panel);
  return { page, panel, async close() { await panel.close(); await page.close(); } };
}

/** Record console messages and page errors of a page (playwright's or the Firefox harness's). */
export function recordConsole(page) {
  const log = { console: [], errors: [] };
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(e && e.name ? `${e.name}: ${e.message}` : String(e)));
  return log;
}

/**
 * The tests of a file, once per browser of $E2E_BROWSERS (one after the other), each browser's in a
 * `describe(browser)` that opens ONE session for all of them (before) and closes it (after):
 *
 *   forEachBrowser((browser, s) => {
 *     test(`${browser}: what it shows`, async () => { const page = await s.h.newPage(s.url('index.html')); ... });
 *   });
 *
 * `s` stands for the session while the tests run (reading it outside a test throws).
 * `open(browser)` makes the session (default: openSession({browser})): any object, closed with its
 * close() if it has one.
 *
 * The next browser's session is opened while this browser's tests run (its launch, ~5 s for
 * Firefox, overlaps them instead of adding to the file's time); E2E_PRELAUNCH=0 opens each only
 * when its tests start.
 */
export function forEachBrowser(defineTests, { open = (browser) => openSession({ browser }) } = {}) {
  const browsers = selectedBrowsers();
  const opening = new Map();
  const openOnce = (browser) => {
    if (!opening.has(browser)) {
      const p = Promise.resolve().then(() => open(browser));
      p.catch(() => {}); // reported by the before() that awaits it
      opening.set(browser, p);
    }
    return opening.get(browser);
  };
  const prelaunch = process.env.E2E_PRELAUNCH !== '0';
  const closed = new Set();
  // A session opened ahead whose tests did not run (filtered out, a failed hook) is closed at the end.
  after(async () => {
    for (const [browser, p] of opening) {
      if (!closed.has(browser)) await p.then((x) => x?.close?.()).catch(() => {});
    }
  });
  browsers.forEach((browser, i) => {
    let session = null;
    const s = new Proxy({}, {
      get(_, key) {
        if (!session) throw new Error(`no ${browser} session: it is open only while the tests run`);
        return session[key];
      },
    });
    describe(browser, () => {
      before(async () => {
        session = await openOnce(browser);
        if (prelaunch && i + 1 < browsers.length) openOnce(browsers[i + 1]);
      });
      after(async () => { closed.add(browser); await session?.close?.(); session = null; });
      defineTests(browser, s);
    });
  });
}
