// One browser + one simulator server for a test file (or for one browser's part of it).
//
//   const s = await openSession();                       // Chromium, dist/chrome (or $CWI_EXTENSION)
//   const s = await openSession({ browser: 'firefox' }); // Firefox ESR, dist/firefox
//   const page = await s.h.newPage(s.url('index.html'));
//   ...
//   await s.close();
import { DIST_CHROME, extensionBuilt, chromiumAvailable, CHROMIUM } from './chromium.mjs';
import { startSite, siteAvailable, ensureNoHubspotPage } from './site.mjs';
import { extensionDir, browserMissing, launchBrowser } from './browsers.mjs';

/** The Chromium build under test (kept for older callers; see extensionDir(browser)). */
export const EXTENSION_DIR = extensionDir('chromium');
export { DIST_CHROME, extensionBuilt, chromiumAvailable, CHROMIUM };

/** Why e2e tests cannot run here, or null. Tests FAIL with this message (they never skip). */
export function missingPrerequisite({ browser = 'chromium', extension = extensionDir(browser) } = {}) {
  if (!siteAvailable()) return 'tests/site/server.mjs is missing';
  return browserMissing(browser, extension);
}

export async function openSession({ browser = 'chromium', extension = extensionDir(browser), ...launchOptions } = {}) {
  const missing = missingPrerequisite({ browser, extension });
  if (missing) throw new Error(missing);
  const site = await startSite();
  let h;
  try {
    h = await launchBrowser(browser, { extension, ...launchOptions });
    if (browser === 'chromium') await ensureNoHubspotPage(h.context);
  } catch (e) {
    await h?.close().catch(() => {});
    await site.close();
    throw e;
  }
  return {
    browser,
    h,
    site,
    url: (rel) => new URL(rel, site.url).href,
    async close() {
      await h.close().catch(() => {});
      await site.close().catch(() => {});
    },
  };
}

/** Record console messages and page errors of a page (playwright's or the Firefox harness's). */
export function recordConsole(page) {
  const log = { console: [], errors: [] };
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(e && e.name ? `${e.name}: ${e.message}` : String(e)));
  return log;
}
