// Firefox ESR with the extension installed, driven by puppeteer-core over WebDriver BiDi. The same
// driver API as chromium.mjs, so a test is written once for both browsers:
//
//   const h = await launch({ extension: DIST_FIREFOX });      // or extension: null (no extension)
//   const page = await h.newPage(url);                       // playwright-like page (see FirefoxPage)
//   const tabId = await h.tabIdOf(page);
//   const tab = await h.openPanelTab(page);                  // moz-extension://<uuid>/panel.html?tabId=N
//   const dt  = await h.openDevtoolsPanel(page);             // the REAL Firefox devtools panel
//   await h.stopServiceWorker();                             // really stops the background event page
//   await h.close();
//
// How it reaches what BiDi does not expose:
// - chrome scope: BiDi `browsingContext.getTree {"moz:scope":"chrome"}` gives browser.xhtml (needs
//   --remote-allow-system-access); `chromeEval(fn, ...args)` runs privileged code there (gDevTools,
//   WebExtensionPolicy, AddonManager, prefs).
// - the devtools panel page lives in a remote <browser> inside the toolbox, which BiDi does not list:
//   each evaluate() loads a one-shot frame script into that <browser> that runs the expression in a
//   sandbox whose prototype is the panel's window (like a content script without X-rays) and sends
//   the JSON result back.
// - the background event page: its state machine (`extension.backgroundState`, the
//   `background-script-started` event, the `extension:background-script-status` notification) is
//   watched in the parent; `stopServiceWorker()` calls `extension.terminateBackground()`, what the
//   idle timeout calls (about:debugging's "Terminate background script").
// - moz-extension:// pages cannot be opened with page.goto (it times out): raw BiDi
//   `browsingContext.navigate` instead. `swEvaluate()` runs in such an extension document (the
//   harness's home tab shows the extension's icon), which has the same extension APIs as the
//   background.
import puppeteer from 'puppeteer-core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import {
  REPO_ROOT, PANEL_TITLE, toExpression, pollUntil, sleep, launchProblem, HarnessBase, DevtoolsPanelBase, writePng,
} from './driver.mjs';

export const DIST_FIREFOX = path.join(REPO_ROOT, 'dist/firefox');
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
/** Idle time after which Firefox stops the event page (Firefox's default: 30 s). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30000;

/** Why Firefox cannot be launched with `extension` (null = none), or null. */
export function launchMissing(extension = DIST_FIREFOX) {
  return launchProblem({ name: 'Firefox', binary: FIREFOX, pkg: 'firefox-esr' }, extension);
}

/**
 * Launch Firefox ESR. `extension`: an unpacked Firefox build (dist/firefox), or null for none.
 * `idleTimeoutMs`: pref extensions.background.idle.timeout of the profile (changeable later with
 * setBackgroundIdleTimeout). `devtoolsTheme`: 'light' | 'dark' (pref devtools.theme).
 * `extraPrefs`: more prefs of the profile (e.g. network.dns.localDomains). `acceptInsecureCerts`:
 * accept any TLS certificate (the WebDriver BiDi session capability; e.g. a self-signed one).
 */
export async function launch({
  extension = DIST_FIREFOX,
  headless = true,
  windowSize = [1400, 900],
  idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  devtoolsTheme = 'light',
  extraPrefs = {},
  acceptInsecureCerts = false,
} = {}) {
  const missing = launchMissing(extension);
  if (missing) throw new Error(missing);
  let geckoId = null;
  const uuid = crypto.randomUUID();
  if (extension) {
    const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'manifest.json'), 'utf8'));
    geckoId = manifest.browser_specific_settings?.gecko?.id;
    if (!geckoId) throw new Error(`${extension}/manifest.json has no browser_specific_settings.gecko.id (not a Firefox build?)`);
  }
  const profileDir = await newProfileDir();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless,
    userDataDir: profileDir,
    defaultViewport: null,
    acceptInsecureCerts,
    args: ['--remote-allow-system-access', `--width=${windowSize[0]}`, `--height=${windowSize[1]}`],
    extraPrefsFirefox: {
      // A fixed moz-extension:// host for this run (Firefox picks a random one otherwise).
      ...(geckoId ? { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }) } : {}),
      'extensions.background.idle.timeout': idleTimeoutMs,
      'devtools.theme': devtoolsTheme,
      'devtools.toolbox.host': 'bottom',
      'devtools.toolbox.footer.height': 560,
      'devtools.everOpened': true,
      // the "1400px × 254px" box devtools draws over the page when the toolbox resizes it
      'devtools.highlighter-viewport-size-timeout': 1,
      'devtools.netmonitor.persistlog': false,
      'browser.tabs.warnOnClose': false,
      'browser.warnOnQuit': false,
      'toolkit.cosmeticAnimations.enabled': false,
      ...extraPrefs,
    },
  });
  const h = new FirefoxHarness(browser, profileDir, extension, geckoId, uuid);
  try {
    await h._init();
  } catch (e) {
    await h.close();
    throw e;
  }
  return h;
}

// A profile this Firefox has started in once, copied for each launch: Firefox then skips creating
// its databases and startup cache, and starts in about half the time (1.0 s against 1.9 s on an
// idle 2-core machine, more when it is loaded). Made once per Firefox binary under target/, by the
// first launch that gets its lock; a launch that finds it being made starts from an empty profile.
const PROFILE_TEMPLATES = path.join(REPO_ROOT, 'target/firefox-profile');
const PROFILE_SKIPPED = new Set(['lock', '.parentlock', 'user.js', 'sessionstore.jsonlz4', 'sessionCheckpoints.json', 'sessionstore-backups']);

async function newProfileDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwi-ffprofile-'));
  const template = await profileTemplate().catch(() => null);
  if (template) fs.cpSync(template, dir, { recursive: true, filter: (from) => !PROFILE_SKIPPED.has(path.basename(from)) });
  return dir;
}

async function profileTemplate() {
  const binary = fs.statSync(FIREFOX);
  const ready = path.join(PROFILE_TEMPLATES, `${binary.size}-${Math.round(binary.mtimeMs)}`);
  if (fs.existsSync(ready)) return ready;
  fs.mkdirSync(PROFILE_TEMPLATES, { recursive: true });
  const lock = `${ready}.lock`;
  try {
    fs.mkdirSync(lock);
  } catch {
    // Being made by another test file; a lock left by a killed run is taken over after a minute.
    if (Date.now() - fs.statSync(lock).mtimeMs < 60000) return null;
    fs.rmSync(lock, { recursive: true, force: true });
    fs.mkdirSync(lock);
  }
  const making = fs.mkdtempSync(`${ready}.making-`);
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: making, args: ['--remote-allow-system-access'],
    });
    await browser.close();
    fs.renameSync(making, ready);
    return ready;
  } finally {
    fs.rmSync(making, { recursive: true, force: true });
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A JSON round trip of a chrome-scope result. */
function unwrap(r, what) {
  if (r.type === 'exception') {
    const d = r.exceptionDetails;
    throw new Error(`${what} failed: ${d.text}`);
  }
  const v = r.result;
  if (v.type !== 'string') return undefined;
  return JSON.parse(v.value);
}

export class FirefoxHarness extends HarnessBase {
  constructor(browser, profileDir, extension, geckoId, uuid) {
    super();
    this.extensionScheme = 'moz-extension';
    this.browserName = 'firefox';
    this.browser = browser;
    this.conn = browser.connection;
    this.profileDir = profileDir;
    this.extension = extension;
    this.geckoId = geckoId;
    this.uuid = uuid;
    this._home = null;
    // playwright's context.once('close') (tests/demo.mjs): the browser disconnected.
    this.context = new EventEmitter();
    browser.once('disconnected', () => this.context.emit('close'));
  }

  async _init() {
    const tree = await this.conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const top = tree.result.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml') || tree.result.contexts[0];
    if (!top) throw new Error('no chrome browser window (is --remote-allow-system-access accepted?)');
    this._chromeContext = top.context;
    if (!this.extension) return;
    const id = await this.browser.installExtension(this.extension);
    if (id !== this.geckoId) throw new Error(`installed ${id}, expected ${this.geckoId}`);
    await this.chromeEval(watchBackground, this.geckoId);
    await this.ensureServiceWorker(15000);
    // The initial blank tab stays open and blank: Firefox closes extension pages when the extension
    // is disabled, and a window whose last tab closes goes away (with the chrome-scope state).
    await this._openHome();
  }

  /**
   * The home tab: a document of the extension (for swEvaluate / tabIdOf / the background marker).
   * Its 16 px icon: an image document gets the extension APIs like any extension page, and costs
   * nothing to load (panel.html would compile the wasm).
   */
  async _openHome() {
    const manifest = JSON.parse(fs.readFileSync(path.join(this.extension, 'manifest.json'), 'utf8'));
    const icon = Object.values(manifest.icons || {})[0] || 'panel.html';
    this._home = new FirefoxPage(this, await this.browser.newPage());
    this._home.isHome = true;
    await this._home.goto(await this.extensionUrl(icon));
  }

  /**
   * Run `fn(...args)` in the privileged browser.xhtml window (chrome scope); returns its
   * (awaited) result through JSON.
   */
  async chromeEval(fn, ...args) {
    const expression = `(async () => JSON.stringify(await (${fn})(...${JSON.stringify(args)}) ?? null))()`;
    const { result } = await this.conn.send('script.evaluate', {
      expression, target: { context: this._chromeContext }, awaitPromise: true, resultOwnership: 'none',
    });
    return unwrap(result, `chromeEval(${fn.name || 'fn'})`);
  }

  /** Set pref extensions.background.idle.timeout (ms) at run time (read by Firefox on change). */
  setBackgroundIdleTimeout(ms) {
    return this.chromeEval((v) => { Services.prefs.setIntPref('extensions.background.idle.timeout', v); return v; }, ms);
  }

  /** Set the devtools theme ('light' | 'dark' | 'auto'): what Settings > Themes does. */
  setDevtoolsTheme(theme) {
    return this.chromeEval((t) => { Services.prefs.setCharPref('devtools.theme', t); return t; }, theme);
  }

  // ---------------------------------------------------------------- extension and background

  /** The moz-extension:// host of the extension (fixed per run through extensions.webextensions.uuids). */
  async extensionId() {
    if (!this.extension) throw new Error('launched without an extension');
    return this.uuid;
  }

  /** {state, starts, stops}: the event page's state ('running' | 'starting' | 'suspending' | 'stopped'). */
  backgroundInfo() {
    return this.chromeEval((id) => {
      const ext = WebExtensionPolicy.getByID(id)?.extension;
      const w = window.__cwiBg?.[id] || { starts: 0, stops: 0, suspends: 0 };
      return { state: ext ? ext.backgroundState : 'uninstalled', starts: w.starts, stops: w.stops, suspends: w.suspends };
    }, this.geckoId);
  }

  /** Running status like Chromium's: 'running' | 'starting' | 'stopping' | 'stopped'. Synchronous in
   * Chromium; here a promise (tests await it either way). */
  async swRunningStatus() {
    const { state } = await this.backgroundInfo();
    return state === 'suspending' ? 'stopping' : state;
  }

  /** Truthy when the event page runs (Chromium: the worker's CDP target). */
  async serviceWorkerTarget() {
    const info = await this.backgroundInfo();
    return info.state === 'running' ? { type: 'background_page', url: await this.extensionUrl('_generated_background_page.html') } : undefined;
  }

  /** Wake the event page if it is stopped (runtime.getBackgroundPage starts it) and wait until it runs. */
  async ensureServiceWorker(timeout = 10000) {
    let info = await this.backgroundInfo();
    if (info.state === 'stopped' && this._home) {
      await this._home.evaluate(() => browser.runtime.getBackgroundPage().then(() => true)).catch(() => {});
    }
    info = await pollUntil(async () => {
      const x = await this.backgroundInfo();
      return x.state === 'running' ? x : null;
    }, { timeout, message: 'the background event page to run' });
    return info;
  }

  /**
   * Evaluate in an extension page of the extension (the home tab): the same extension APIs as the
   * background (Chromium evaluates in the service worker itself).
   */
  async swEvaluate(fnOrExpr, arg) {
    return this._home.evaluate(toExpression(fnOrExpr, arg));
  }

  /**
   * Really stop the background event page: `extension.terminateBackground()` in the parent process
   * (what the idle timeout and about:debugging's "Terminate background script" do). Before, a random
   * marker is stored as a global in the background page. Resolves when Firefox reported the page
   * stopped (an open panel reconnects at once, which starts it again).
   */
  async stopServiceWorker({ timeout = 10000 } = {}) {
    await this.ensureServiceWorker();
    const marker = `m${Math.random().toString(36).slice(2)}`;
    await this._home.evaluate(async (m) => {
      const bg = await browser.runtime.getBackgroundPage();
      bg.__cwiHarnessMarker = m;
      return true;
    }, marker);
    const before = await this.backgroundInfo();
    await this.chromeEval(async (id) => {
      const ext = WebExtensionPolicy.getByID(id).extension;
      await ext.terminateBackground({ ignoreDevToolsAttached: true, disableResetIdleForTest: true });
      return ext.backgroundState;
    }, this.geckoId);
    await pollUntil(async () => (await this.backgroundInfo()).stops > before.stops,
      { timeout, interval: 5, message: 'the background event page to stop' });
    return { marker, method: 'extension.terminateBackground', starts: before.starts, stops: before.stops + 1, stoppedAt: Date.now() };
  }

  /**
   * The event page came back after stopServiceWorker() (or an idle stop): Firefox reported a start
   * after the stop, it runs, and the marker global set before the stop is gone (a new page).
   */
  async assertServiceWorkerRestarted(stopInfo, { timeout = 10000 } = {}) {
    await pollUntil(async () => {
      const x = await this.backgroundInfo();
      return x.starts > stopInfo.starts && x.state === 'running';
    }, { timeout, message: 'a background start after the stop' });
    if (stopInfo.marker) {
      const marker = await this._home.evaluate(async () => (await browser.runtime.getBackgroundPage()).__cwiHarnessMarker ?? null);
      if (marker !== null) throw new Error(`the background page kept its globals (${marker}): it was not stopped`);
    }
    return this.serviceWorkerTarget();
  }

  /** Disable / enable the extension (AddonManager, what about:addons does). */
  async setExtensionEnabled(enabled) {
    await this.chromeEval(async (id, on) => {
      const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
      const addon = await AddonManager.getAddonByID(id);
      if (on) await addon.enable(); else await addon.disable();
      return addon.isActive;
    }, this.geckoId, enabled);
    if (enabled) {
      await this.chromeEval(watchBackground, this.geckoId); // a new Extension object
      await this.ensureServiceWorker(15000);
      await this._home.close(); // Firefox closed it with the disabled extension (if not, now)
      await this._openHome();
    }
  }

  // ---------------------------------------------------------------- tabs

  /** A fresh tab, optionally navigated to url. */
  async newPage(url, { waitUntil = 'load' } = {}) {
    const page = new FirefoxPage(this, await this.browser.newPage());
    if (url) await page.goto(url, { waitUntil });
    return page;
  }

  /** A page in a new browser window. */
  async newWindowPage(url, { waitUntil = 'load' } = {}) {
    const page = new FirefoxPage(this, await this.browser.newPage({ type: 'window' }));
    if (url) await page.goto(url, { waitUntil });
    return page;
  }

  // ---------------------------------------------------------------- panels

  /**
   * Open the REAL devtools toolbox for `page` (gDevTools.showToolboxForTab, docked at the bottom)
   * and select the extension's panel in it. Returns a DevtoolsPanel whose evaluate() runs in the
   * panel page.
   */
  async openDevtoolsPanel(page, { title = PANEL_TITLE, timeout = 20000 } = {}) {
    const tabId = await this.tabIdOf(page);
    const toolId = await this.chromeEval(openToolbox, tabId, title, timeout);
    const p = new DevtoolsPanel(this, { tabId, toolId, page });
    await p.waitFor(() => document.readyState === 'complete' && location.pathname === '/panel.html',
      { timeout, message: 'the devtools panel document' });
    this._panels.push(p);
    return p;
  }

  /**
   * Ends Firefox. Its profile is thrown away, so the process is killed at once: a graceful quit
   * takes 1.5-5 s (loaded machine) for nothing, in every file. Without a process of ours: close().
   */
  async close() {
    const proc = this.browser.process?.();
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await Promise.race([exited, sleep(10000)]);
      await this.browser.disconnect?.().catch?.(() => {});
    } else {
      await this.browser.close().catch(() => {});
    }
    try { fs.rmSync(this.profileDir, { recursive: true, force: true }); } catch {}
  }
}

// ------------------------------------------------------------------ chrome-scope functions
// (serialised with toString(): no closures over module variables)

/** Count starts / stops / suspends of the extension's background in the parent (idempotent). */
function watchBackground(id) {
  window.__cwiBg = window.__cwiBg || {};
  const w = window.__cwiBg[id] || (window.__cwiBg[id] = { starts: 0, stops: 0, suspends: 0, exts: new WeakSet(), observer: null });
  const ext = WebExtensionPolicy.getByID(id)?.extension;
  if (ext && !w.exts.has(ext)) {
    w.exts.add(ext);
    ext.on('background-script-started', () => { w.starts++; });
    ext.on('background-script-suspend', () => { w.suspends++; });
  }
  if (!w.observer) {
    w.observer = (subject) => {
      const s = subject.wrappedJSObject || subject;
      if (s.addonId === id && s.isRunning === false) w.stops++;
    };
    Services.obs.addObserver(w.observer, 'extension:background-script-status');
  }
  return ext ? ext.backgroundState : null;
}

/** Show the toolbox of tab `tabId` and select the extension panel titled `title`; returns its tool id. */
async function openToolbox(tabId, title, timeout) {
  const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
  const tab = ExtensionParent.apiManager.global.tabTracker.getTab(tabId);
  const win = tab.ownerDocument.defaultView;
  win.focus();
  win.gBrowser.selectedTab = tab;
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const toolbox = await gDevTools.showToolboxForTab(tab, { hostType: 'bottom' });
  const deadline = Date.now() + timeout;
  for (;;) {
    const tool = (toolbox.visibleAdditionalTools || []).map((t) => toolbox.additionalToolDefinitions?.get?.(t) || { id: t, label: null })
      .find((d) => d.label === title || (!d.label && d.id.startsWith('webext-devtools-panel-')));
    if (tool) {
      await toolbox.selectTool(tool.id);
      return tool.id;
    }
    if (Date.now() > deadline) throw new Error(`no devtools panel "${title}" in the toolbox (tools: ${JSON.stringify(toolbox.visibleAdditionalTools)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Evaluate `expression` in the extension panel page `toolId` of tab `tabId`'s toolbox: a one-shot
 * frame script in the panel's <browser> runs it in a sandbox over the page's window (no X-rays) and
 * posts back the JSON of its (awaited) value.
 */
async function evalInPanel(tabId, toolId, expression, timeoutMs) {
  const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
  const tab = ExtensionParent.apiManager.global.tabTracker.getTab(tabId);
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const toolbox = gDevTools.getToolboxForTab(tab);
  if (!toolbox) throw new Error('no toolbox for the tab (closed?)');
  const frame = toolbox.doc.getElementById(`toolbox-panel-iframe-${toolId}`);
  const panelBrowser = frame?.contentDocument?.querySelector('browser');
  if (!panelBrowser?.messageManager || !panelBrowser.frameLoader) throw new Error('the panel <browser> is not there (yet)');
  // A frame script sent before the panel document exists would never run (and never answer).
  const wg = panelBrowser.browsingContext?.currentWindowGlobal;
  if (!wg || !wg.documentURI?.spec?.startsWith('moz-extension:') || panelBrowser.webProgress?.isLoadingDocument) {
    throw new Error(`the panel page is not loaded (yet): ${wg?.documentURI?.spec}`);
  }
  const mm = panelBrowser.messageManager;
  const name = `cwi-eval-${Math.random().toString(36).slice(2)}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { mm.removeMessageListener(name, onReply); reject(new Error(`panel evaluate timed out after ${timeoutMs} ms`)); }, timeoutMs);
    function onReply(msg) {
      mm.removeMessageListener(name, onReply);
      clearTimeout(timer);
      if (msg.data.error) reject(new Error(msg.data.error));
      else resolve(msg.data.json === undefined ? undefined : JSON.parse(msg.data.json));
    }
    mm.addMessageListener(name, onReply);
    const wrapped = `Promise.resolve().then(() => (${expression})).then((v) => v === undefined ? undefined : JSON.stringify(v))`;
    const script = `(() => {
      const reply = (d) => sendAsyncMessage(${JSON.stringify(name)}, d);
      try {
        if (!content || content.location.protocol !== 'moz-extension:') { reply({ error: 'the panel page is not loaded: ' + (content && content.location.href) }); return; }
        const sb = Cu.Sandbox(content, { sandboxPrototype: content, wantXrays: false, sameZoneAs: content });
        Cu.evalInSandbox(${JSON.stringify(wrapped)}, sb).then(
          (json) => reply({ json }),
          (e) => reply({ error: 'evaluate failed: ' + (e && e.message || e) + ' in: ' + ${JSON.stringify(expression.slice(0, 300))} }));
      } catch (e) { reply({ error: 'evaluate failed: ' + (e && e.message || e) }); }
    })();`;
    mm.loadFrameScript(`data:,${encodeURIComponent(script)}`, false);
  });
}

async function closeToolbox(tabId) {
  const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
  const tab = ExtensionParent.apiManager.global.tabTracker.getTab(tabId, null);
  if (!tab) return false;
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  await gDevTools.closeToolboxForTab(tab);
  return true;
}

// ------------------------------------------------------------------ pages

/**
 * A puppeteer Page behind the subset of playwright's Page API the tests use: evaluate(fn, arg),
 * goto, url, waitForFunction(fn, arg, {timeout}), waitForLoadState, click, reload, screenshot,
 * on('console' | 'pageerror'), close. moz-extension:// URLs are navigated with raw BiDi.
 */
export class FirefoxPage {
  constructor(harness, page) {
    this.h = harness;
    this.raw = page;
    this._url = null;
    this._listeners = [];
  }

  get contextId() { return this.raw.mainFrame()._id; }

  url() {
    const u = this.raw.url();
    return this._url && (u === 'about:blank' || u.startsWith('moz-extension:')) ? this._url : u;
  }

  async goto(url, { waitUntil = 'load', timeout = 30000 } = {}) {
    if (url.startsWith('moz-extension:')) {
      this._url = url;
      await this.h.conn.send('browsingContext.navigate', { context: this.contextId, url, wait: 'complete' }, timeout);
      return null;
    }
    this._url = null;
    return this.raw.goto(url, { waitUntil: waitUntil === 'domcontentloaded' ? 'domcontentloaded' : 'load', timeout });
  }

  async reload({ timeout = 30000 } = {}) {
    if (this.url().startsWith('moz-extension:')) {
      await this.h.conn.send('browsingContext.reload', { context: this.contextId, wait: 'complete' }, timeout);
      return null;
    }
    return this.raw.reload({ waitUntil: 'load', timeout });
  }

  evaluate(fnOrExpr, arg) {
    if (typeof fnOrExpr === 'string') return this.raw.evaluate(fnOrExpr);
    return arg === undefined ? this.raw.evaluate(fnOrExpr) : this.raw.evaluate(fnOrExpr, arg);
  }

  /** playwright order: (fn, arg, {timeout}); polls every 50 ms (requestAnimationFrame may not run). */
  waitForFunction(fn, arg, { timeout = 30000 } = {}) {
    const opts = { timeout, polling: 50 };
    return arg === undefined || arg === null ? this.raw.waitForFunction(fn, opts) : this.raw.waitForFunction(fn, opts, arg);
  }

  waitForLoadState(state = 'load', { timeout = 30000 } = {}) {
    const want = state === 'domcontentloaded' ? ['interactive', 'complete'] : ['complete'];
    return this.raw.waitForFunction((w) => w.includes(document.readyState), { timeout, polling: 50 }, want);
  }

  click(selector, options) { return this.raw.click(selector, options); }
  bringToFront() { return this.raw.bringToFront(); }

  async screenshot({ path: file, ...rest } = {}) {
    if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
    return this.raw.screenshot({ path: file, ...rest });
  }

  /** 'console' → {type(), text()}; 'pageerror' → Error (as playwright). */
  on(event, fn) {
    this.raw.on(event, fn);
    return this;
  }

  async close() { await this.raw.close().catch(() => {}); }
}

export class DevtoolsPanel extends DevtoolsPanelBase {
  _eval(expression) { return this.harness.chromeEval(evalInPanel, this.tabId, this.toolId, expression, 10000); }
  /** Evaluate in the browser window that holds the toolbox (chrome scope). */
  evaluateDevtools(fnOrExpr, arg) {
    return this.harness.chromeEval(new Function('arg', `return (${toExpression(fnOrExpr)})`), arg);
  }
  /** Screenshot of the browser window (page + docked toolbox with the panel). */
  async screenshot(file) {
    // BiDi captureScreenshot refuses chrome contexts: paint the window in chrome scope instead.
    const data = await this.harness.chromeEval(async () => {
      const r = window.document.documentElement.getBoundingClientRect();
      const rect = new window.DOMRect(0, 0, r.width, r.height);
      const bitmap = await window.browsingContext.currentWindowGlobal.drawSnapshot(rect, 1, 'white');
      const canvas = window.document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d').drawImage(bitmap, 0, 0);
      return canvas.toDataURL('image/png').split(',')[1];
    });
    return writePng(file, data);
  }
  /** Switch the devtools theme ('light' | 'dark'): pref devtools.theme, as Settings > Themes does. */
  setDevtoolsTheme(theme) { return this.harness.setDevtoolsTheme(theme); }
  /** Resize the browser window that holds the docked toolbox. */
  async setWindowSize(width, height) {
    await this.harness.chromeEval((w, hh) => {
      if (window.outerWidth !== w || window.outerHeight !== hh) window.resizeTo(w, hh);
      return true;
    }, width, height);
    await sleep(100);
  }
  async close() {
    await this.harness.chromeEval(closeToolbox, this.tabId).catch(() => {});
  }
}
