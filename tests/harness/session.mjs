// One browser + one simulator server for a test file.
//
//   const s = await openSession();            // extension from $CWI_EXTENSION or dist/chrome
//   const page = await s.h.newPage(s.url('index.html'));
//   ...
//   await s.close();
import path from 'node:path';
import { launch, DIST_CHROME, extensionBuilt, chromiumAvailable, CHROMIUM } from './chromium.mjs';
import { startSite, siteAvailable, ensureNoHubspotPage } from './site.mjs';

export const EXTENSION_DIR = process.env.CWI_EXTENSION ? path.resolve(process.env.CWI_EXTENSION) : DIST_CHROME;

/** Why e2e tests cannot run here, or null. Tests FAIL with this message (they never skip). */
export function missingPrerequisite({ extension = EXTENSION_DIR } = {}) {
  if (!chromiumAvailable()) return `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!siteAvailable()) return 'tests/site/server.mjs is missing';
  if (extension && !extensionBuilt(extension)) return `no built extension in ${extension} (run make dist)`;
  return null;
}

export async function openSession({ extension = EXTENSION_DIR, ...launchOptions } = {}) {
  const missing = missingPrerequisite({ extension });
  if (missing) throw new Error(missing);
  const site = await startSite();
  let h;
  try {
    h = await launch({ extension, ...launchOptions });
    await ensureNoHubspotPage(h.context);
  } catch (e) {
    await site.close();
    throw e;
  }
  return {
    h,
    site,
    url: (rel) => new URL(rel, site.url).href,
    async close() {
      await h.close().catch(() => {});
      await site.close().catch(() => {});
    },
  };
}

/** Record console messages and page errors of a playwright page. */
export function recordConsole(page) {
  const log = { console: [], errors: [] };
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(e && e.name ? `${e.name}: ${e.message}` : String(e)));
  return log;
}
