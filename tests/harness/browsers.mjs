// Which browser an e2e test runs in: the same scenario, written once, runs against each browser of
// $E2E_BROWSERS (comma-separated, default "chromium,firefox"). Each browser module exports the same
// driver API (see README.md here): launch() → harness with newPage, tabIdOf, openPanelTab,
// openDevtoolsPanel, stopServiceWorker, ...
//
// Test files use forEachBrowser (session.mjs), which loops over selectedBrowsers().
import path from 'node:path';
import * as chromium from './chromium.mjs';
import * as firefox from './firefox.mjs';

export const ALL_BROWSERS = ['chromium', 'firefox'];

/** Browsers selected by $E2E_BROWSERS (default: all). Unknown names throw. */
export function selectedBrowsers(env = process.env.E2E_BROWSERS) {
  const list = (env || ALL_BROWSERS.join(',')).split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)
    .map((x) => (x === 'chrome' ? 'chromium' : x));
  for (const b of list) if (!ALL_BROWSERS.includes(b)) throw new Error(`E2E_BROWSERS: unknown browser "${b}" (known: ${ALL_BROWSERS})`);
  return [...new Set(list)];
}

/** The unpacked build each browser loads ($CWI_EXTENSION / $CWI_EXTENSION_FIREFOX override). */
export function extensionDir(browser) {
  if (browser === 'firefox') {
    return process.env.CWI_EXTENSION_FIREFOX ? path.resolve(process.env.CWI_EXTENSION_FIREFOX) : firefox.DIST_FIREFOX;
  }
  return process.env.CWI_EXTENSION ? path.resolve(process.env.CWI_EXTENSION) : chromium.DIST_CHROME;
}

/** Why `browser` cannot run here (binary or build missing), or null. */
export function browserMissing(browser, extension = extensionDir(browser)) {
  return (browser === 'firefox' ? firefox : chromium).launchMissing(extension);
}

/**
 * Launch `browser` with options understood by both harnesses ({extension, headless, windowSize});
 * browser-specific ones are passed on (Chromium: devtoolsDock, extraArgs; Firefox: idleTimeoutMs,
 * devtoolsTheme, extraPrefs, acceptInsecureCerts) and ignored by the other.
 */
export function launchBrowser(browser, options = {}) {
  const extension = options.extension === undefined ? extensionDir(browser) : options.extension;
  const mod = browser === 'firefox' ? firefox : chromium;
  return mod.launch({ ...options, extension });
}
