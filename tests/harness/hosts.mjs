// The simulator under REAL host names (shop.example.test, other.test, …), over https, for tests
// where cookie domains, Secure and host-only matter; plus cookie helpers and the Cookies view's UI.
// Works in both browsers (the same scenario runs in each, see browsers.mjs):
//
//   const s = await openHostsSession({ browser });      // https simulator + the browser mapping the hosts
//   const page = await s.h.newPage(s.url('shop.example.test', 'index.html'));
//   await browserCookies(s.h, { name: 'messagesUtk' }); // cookies.getAll in the extension
//   await s.close();
//
// The hosts resolve to 127.0.0.1 (the port is kept) and the self-signed certificate (made at test
// time with openssl) is accepted:
// - Chromium: --host-resolver-rules (HOST_RULES, wildcards) and --ignore-certificate-errors;
// - Firefox: the pref network.dns.localDomains (TEST_HOSTS: exact names, no wildcards: a test that
//   opens a new host name must add it there) and the WebDriver BiDi capability acceptInsecureCerts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pollUntil } from './driver.mjs';
import { missingPrerequisite, launchOnSite } from './session.mjs';
import { extensionDir } from './browsers.mjs';
import { SITE_DIR } from './site.mjs';

/** Chromium: every host name a test may use resolves to the simulator on 127.0.0.1. */
export const HOST_RULES = 'MAP *.example.test 127.0.0.1, MAP example.test 127.0.0.1, MAP other.test 127.0.0.1, MAP *.other.test 127.0.0.1';

/**
 * Firefox: the host names resolved to localhost (network.dns.localDomains takes exact names only).
 * Every page host of the tests must be listed here (cookies.set needs no resolution).
 */
export const TEST_HOSTS = [
  'example.test', 'shop.example.test', 'clean.example.test', 'live.example.test', 'blog.example.test',
  'www.example.test', 'other.test', 'www.other.test',
];

function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `openssl` is needed for the certificate: install it (Debian, as root) when missing. */
export function ensureOpenssl() {
  if (hasOpenssl()) return;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('apt-get', ['install', '-y', 'openssl'], { stdio: 'ignore', timeout: 300000 });
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300000 });
      execFileSync('apt-get', ['install', '-y', 'openssl'], { stdio: 'ignore', timeout: 300000 });
    }
  }
  if (!hasOpenssl()) throw new Error('openssl is missing (apt-get install -y openssl)');
}

/** A self-signed certificate for the test hosts, in a new temp dir: {key, cert, dir}. */
export function makeSelfSignedCert() {
  ensureOpenssl();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwi-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=example.test',
    '-addext', 'subjectAltName=DNS:example.test,DNS:*.example.test,DNS:other.test,DNS:*.other.test,DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore', timeout: 60000 });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), dir };
}

/**
 * Launch options that make `browser` resolve the test hosts to 127.0.0.1 and (with `tls`) accept
 * the self-signed certificate; merged with the caller's extraArgs (Chromium) / extraPrefs (Firefox).
 */
export function hostMappingOptions(browser, { tls = true, hosts = TEST_HOSTS, extraArgs = [], extraPrefs = {} } = {}) {
  if (browser === 'firefox') {
    return {
      acceptInsecureCerts: tls,
      extraPrefs: { 'network.dns.localDomains': hosts.join(','), ...extraPrefs },
    };
  }
  return { extraArgs: [`--host-resolver-rules=${HOST_RULES}`, ...(tls ? ['--ignore-certificate-errors'] : []), ...extraArgs] };
}

/**
 * Simulator (https unless `tls: false`) + `browser` (default Chromium) with the extension and the
 * host mapping. `url(host, rel)` → `https://<host>:<port>/<rel>`. `hosts`: the names Firefox resolves
 * (default TEST_HOSTS; Chromium maps HOST_RULES).
 */
export async function openHostsSession({
  browser = 'chromium', extension = extensionDir(browser), tls = true, hosts = TEST_HOSTS, extraArgs = [], extraPrefs = {},
  ...launchOptions
} = {}) {
  const missing = missingPrerequisite({ browser, extension });
  if (missing) throw new Error(missing);
  const pair = tls ? makeSelfSignedCert() : null;
  const { startServer } = await import(path.join(SITE_DIR, 'server.mjs'));
  const site = await startServer({ port: 0, tls: pair && { key: pair.key, cert: pair.cert } });
  const scheme = tls ? 'https' : 'http';
  const session = await launchOnSite(site, browser, {
    extension,
    ...launchOptions,
    ...hostMappingOptions(browser, { tls, hosts, extraArgs, extraPrefs }),
  }, () => { if (pair) fs.rmSync(pair.dir, { recursive: true, force: true }); });
  return {
    ...session,
    scheme,
    port: site.port,
    origin: (host) => `${scheme}://${host}:${site.port}`,
    url: (host, rel = '') => `${scheme}://${host}:${site.port}/${rel.replace(/^\//, '')}`,
  };
}

// ------------------------------------------------------------------------------ browser cookies

/**
 * The browser's cookies (chrome.cookies.getAll in the extension: Chromium's service worker,
 * Firefox's home extension tab; default store, unpartitioned), optionally filtered by exact `name`,
 * `domain` (as stored, e.g. ".example.test") and `path`. Each: {name, value, domain, hostOnly, path,
 * secure, httpOnly, sameSite, storeId} (storeId: "0" in Chromium, "firefox-default" in Firefox).
 */
export async function browserCookies(h, { name, domain, path: cookiePath } = {}) {
  const all = await h.swEvaluate(async () => (await chrome.cookies.getAll({})).map((c) => ({
    name: c.name, value: c.value, domain: c.domain, hostOnly: c.hostOnly, path: c.path,
    secure: c.secure, httpOnly: c.httpOnly, sameSite: c.sameSite, storeId: c.storeId,
  })));
  return all.filter((c) => (name === undefined || c.name === name) && (domain === undefined || c.domain === domain)
    && (cookiePath === undefined || c.path === cookiePath));
}

/** Set a cookie through the cookies API: {url, name, value, domain?, path?, secure?, httpOnly?, sameSite?}. */
export function setBrowserCookie(h, details) {
  return h.swEvaluate(async (d) => {
    const c = await chrome.cookies.set({ expirationDate: Date.now() / 1000 + 3600, ...d });
    if (!c) throw new Error(`cookie ${d.name} was not set`);
    return true;
  }, details);
}

/** Delete every cookie of the default store (test setup: each test starts from none). */
export function clearBrowserCookies(h) {
  return h.swEvaluate(async () => {
    for (let round = 0; ; round++) {
      const all = await chrome.cookies.getAll({});
      if (!all.length) return true;
      if (round === 10) throw new Error(`cookies that cannot be removed: ${all.map((c) => `${c.name}@${c.domain}${c.path}`)}`);
      for (const c of all) {
        const url = `${c.secure ? 'https' : 'http'}://${c.domain.replace(/^\./, '')}${c.path}`;
        await chrome.cookies.remove({ url, name: c.name, storeId: c.storeId });
      }
    }
  });
}

/** Wait until `probe(cookies)` (given browserCookies(h, filter)) is truthy; returns the cookies. */
export function waitForBrowserCookies(h, filter, probe, { timeout = 5000, message = 'browser cookies' } = {}) {
  return pollUntil(async () => {
    const cookies = await browserCookies(h, filter);
    return probe(cookies) ? cookies : null;
  }, { timeout, message: `${message} (${JSON.stringify(filter)})` });
}

// ------------------------------------------------------------------------------ Cookies view UI
// Contract: each cookie row has data-cookie-name and data-present="true|false" and a button named
// exactly "Delete"; one button "Reset chat cookies"; a checkbox labelled "and reload the widget".
// Present rows also carry data-cookie-domain and data-cookie-path (used here to pick a row).


/** The rows shown: [{name, present, domain, path, value, deleteEnabled}]. */
export function cookieRows(d) {
  return d.evaluate(() => [...document.querySelectorAll('[data-cookie-name]')].map((row) => {
    const del = [...row.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Delete');
    return {
      name: row.getAttribute('data-cookie-name'),
      present: row.getAttribute('data-present'),
      domain: row.getAttribute('data-cookie-domain'),
      path: row.getAttribute('data-cookie-path'),
      value: row.querySelector('.value-text')?.textContent ?? null,
      deleteButton: del ? (del.disabled ? 'disabled' : 'enabled') : 'absent',
    };
  }));
}

/** Wait until `probe(rows)` is truthy; returns the rows. */
export function waitForCookieRows(d, probe, { timeout = 10000, message = 'cookie rows' } = {}) {
  return pollUntil(async () => {
    const rows = await cookieRows(d);
    return probe(rows) ? rows : null;
  }, { timeout, message });
}

/** Click the Delete button of the present row {name, domain, path}. */
export function clickDeleteCookie(d, { name, domain, path: cookiePath }) {
  return d.evaluate(([n, dom, p]) => {
    const row = [...document.querySelectorAll('[data-cookie-name][data-present="true"]')].find((r) =>
      r.getAttribute('data-cookie-name') === n && r.getAttribute('data-cookie-domain') === dom
      && r.getAttribute('data-cookie-path') === p);
    if (!row) throw new Error(`no present row ${n} ${dom} ${p}`);
    const button = [...row.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Delete');
    if (!button || button.disabled) throw new Error(`no enabled Delete button in row ${n} ${dom} ${p}`);
    button.click();
    return true;
  }, [name, domain, cookiePath]);
}

/** The "and reload the widget" checkbox: {checked, disabled}, or null if missing. */
export function reloadCheckbox(d) {
  return d.evaluate(() => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === 'and reload the widget');
    const box = label?.querySelector('input[type=checkbox]') || (label?.htmlFor && document.getElementById(label.htmlFor));
    return box ? { checked: box.checked, disabled: box.disabled } : null;
  });
}

/** Click "Reset chat cookies", first setting "and reload the widget" to `reload`. */
export function clickResetChatCookies(d, { reload = false } = {}) {
  return d.evaluate((want) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === 'and reload the widget');
    const box = label?.querySelector('input[type=checkbox]');
    if (!box) throw new Error('no "and reload the widget" checkbox');
    if (box.checked !== want) {
      if (box.disabled) throw new Error('"and reload the widget" is disabled');
      box.click();
    }
    const reset = [...document.querySelectorAll('button')].filter((b) => b.textContent.trim() === 'Reset chat cookies');
    if (reset.length !== 1) throw new Error(`${reset.length} "Reset chat cookies" buttons`);
    reset[0].click();
    return true;
  }, reload);
}

/** Text of the Cookies view's alert region (role="alert"), or null. */
export function cookiesAlert(d) {
  return d.evaluate(() => document.querySelector('.cookies [role="alert"]')?.textContent ?? null);
}
