// Chromium with the extension loaded, driven by playwright-core (pages) and a raw CDP browser
// socket (devtools windows, service worker control, flattened sessions).
//
//   const h = await launch({ extension: DIST_CHROME });      // or extension: null (no extension)
//   const page = await h.newPage(url);
//   const tabId = await h.tabIdOf(page);
//   const tab = await h.openPanelTab(page);                  // panel.html?tabId=N in a tab
//   const dt  = await h.openDevtoolsPanel(page);             // the REAL devtools panel
//   await dt.waitFor(() => document.querySelector('[data-api-state]'));
//   await h.stopServiceWorker();                             // really stops the background SW
//   await h.close();
//
// Both panel drivers (PanelTab, DevtoolsPanel) share: evaluate(fnOrExpr, arg), waitFor(pred,
// {timeout, message}), screenshot(path), close(). `evaluate` runs IN the panel document.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CDP, evaluateIn } from './cdp.mjs';
import {
  REPO_ROOT, PANEL_TITLE, toExpression, pollUntil, launchProblem, HarnessBase, DevtoolsPanelBase, writePng,
} from './driver.mjs';

export const DIST_CHROME = path.join(REPO_ROOT, 'dist/chrome');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Why Chromium cannot be launched with `extension` (null = none), or null. */
export function launchMissing(extension = DIST_CHROME) {
  return launchProblem({ name: 'Chromium', binary: CHROMIUM, pkg: 'chromium' }, extension);
}

/**
 * Launch Chromium. `extension`: an unpacked extension directory, or null for none.
 * `headless` defaults to true; `devtoolsDock`: 'bottom' | 'undocked' | ... (DevTools preference).
 */
export async function launch({
  extension = DIST_CHROME,
  headless = true,
  windowSize = [1400, 900],
  extraArgs = [],
  devtoolsDock = 'bottom',
} = {}) {
  const missing = launchMissing(extension);
  if (missing) throw new Error(missing);
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwi-profile-'));
  // DevTools window preferences: dock side, a large enough devtools area.
  fs.mkdirSync(path.join(profileDir, 'Default'), { recursive: true });
  fs.writeFileSync(path.join(profileDir, 'Default', 'Preferences'), JSON.stringify({
    devtools: {
      preferences: {
        currentDockState: JSON.stringify(devtoolsDock),
        'InspectorView.splitViewState': JSON.stringify({ vertical: { size: 0 }, horizontal: { size: 560 } }),
        'panel-selected-tab': JSON.stringify('elements'),
      },
    },
  }));
  const args = [
    '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-default-browser-check',
    '--remote-debugging-port=0', `--window-size=${windowSize[0]},${windowSize[1]}`,
    ...extraArgs,
  ];
  if (headless) args.unshift('--headless=new');
  if (extension) args.push(`--disable-extensions-except=${extension}`, `--load-extension=${extension}`);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: false, // we pass --headless=new ourselves (the new headless supports extensions)
    viewport: null,
    args,
    ignoreDefaultArgs: ['--disable-extensions'],
  });
  const h = new Harness(context, profileDir, extension);
  try {
    await h._connectCdp();
  } catch (e) {
    await context.close().catch(() => {});
    throw e;
  }
  return h;
}

export class Harness extends HarnessBase {
  constructor(context, profileDir, extension) {
    super();
    this.extensionScheme = 'chrome-extension';
    this.context = context;
    this.profileDir = profileDir;
    this.extension = extension;
    this._extId = null;
    this._sw = null; // {targetId, session}
  }

  async _connectCdp() {
    const file = path.join(this.profileDir, 'DevToolsActivePort');
    const text = await pollUntil(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim(),
      { timeout: 10000, message: 'DevToolsActivePort' });
    const [port, wsPath] = text.split('\n');
    this.cdpPort = Number(port);
    this.browserWsUrl = `ws://127.0.0.1:${port}${wsPath}`;
    this.cdp = await CDP.connect(this.browserWsUrl);
    // Target ids can be REUSED (a restarted service worker comes back under its old id) and a
    // stopped worker does not always send Target.targetDestroyed: Target.getTargets is the truth.
    await this.cdp.send('Target.setDiscoverTargets', { discover: true });
    if (this.extension) await this._watchServiceWorkers();
  }

  /** Current targets (Target.getTargets). */
  async targets() {
    return (await this.cdp.send('Target.getTargets')).targetInfos;
  }

  async isLive(targetId) { return (await this.targets()).some((t) => t.targetId === targetId); }

  /**
   * ServiceWorker CDP domain on the initial blank tab (kept open as the harness's home tab):
   * reports every worker version's runningStatus; swStarts counts transitions into "running"
   * of the extension's worker.
   */
  async _watchServiceWorkers() {
    const home = this.context.pages()[0] || await this.context.newPage();
    home.__cwiHome = true;
    const targetId = await this.targetIdOf(home);
    const session = await this.cdp.attach(targetId);
    this.swVersions = new Map();
    this.swStarts = 0; // transitions of an extension worker version into "running"
    this.swStops = []; // one entry per transition into "stopped": {at, startsBefore}
    this.cdp.on((m) => {
      if (m.sessionId !== session.id || m.method !== 'ServiceWorker.workerVersionUpdated') return;
      for (const v of m.params.versions) {
        if (!v.scriptURL.startsWith('chrome-extension://')) continue;
        const prev = this.swVersions.get(v.versionId);
        if (v.runningStatus === 'running' && prev?.runningStatus !== 'running') this.swStarts++;
        if (v.runningStatus === 'stopped' && prev && prev.runningStatus !== 'stopped') {
          this.swStops.push({ at: Date.now(), startsBefore: this.swStarts, versionId: v.versionId });
        }
        this.swVersions.set(v.versionId, v);
      }
    });
    await session.send('ServiceWorker.enable');
    this._home = { page: home, targetId, session };
  }

  /** The extension's current worker version (newest that is not redundant), or undefined. */
  swVersion() {
    const ext = this._extId;
    return [...this.swVersions.values()]
      .filter((x) => (!ext || x.scriptURL.startsWith(`chrome-extension://${ext}/`)) && x.status !== 'redundant')
      .sort((x, y) => Number(x.versionId) - Number(y.versionId)).at(-1);
  }

  /** Running status of the extension worker: 'running' | 'stopped' | 'starting' | 'stopping' | undefined. */
  swRunningStatus() {
    return this.swVersion()?.runningStatus;
  }

  /** The extension's id (waits for its service worker target to be registered). */
  async extensionId(timeout = 15000) {
    if (this._extId) return this._extId;
    if (!this.extension) throw new Error('launched without an extension');
    const fromPlaywright = () => this.context.serviceWorkers()
      .map((w) => w.url()).find((u) => u.startsWith('chrome-extension://'));
    const url = await pollUntil(async () => fromPlaywright()
      || (await this.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'))?.url,
    { timeout, message: 'the extension service worker' });
    this._extId = new URL(url).host;
    return this._extId;
  }

  /** A fresh tab, optionally navigated to url. */
  async newPage(url, { waitUntil = 'load' } = {}) {
    const page = await this.context.newPage();
    if (url) await page.goto(url, { waitUntil });
    return page;
  }

  async targetIdOf(page) {
    const s = await this.context.newCDPSession(page);
    try {
      return (await s.send('Target.getTargetInfo')).targetInfo.targetId;
    } finally {
      await s.detach().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- service worker

  /** Target info of the extension's running service worker, or undefined. */
  async serviceWorkerTarget() {
    const id = await this.extensionId();
    return (await this.targets()).find((t) => t.type === 'service_worker'
      && t.url.startsWith(`chrome-extension://${id}/`));
  }

  /**
   * Make sure the extension's worker runs (CDP ServiceWorker.startWorker if it does not) and its
   * extension APIs are bound; returns its target info.
   */
  async ensureServiceWorker(timeout = 10000) {
    const id = await this.extensionId();
    let t = await this.serviceWorkerTarget();
    if (!t && this.swRunningStatus() !== 'starting') {
      await this._home.session.send('ServiceWorker.startWorker', { scopeURL: `chrome-extension://${id}/` }).catch(() => {});
    }
    t = await pollUntil(async () => {
      const x = await this.serviceWorkerTarget();
      return x && this.swRunningStatus() === 'running' ? x : null;
    }, { timeout, message: 'the service worker to run' });
    return t;
  }

  /**
   * Evaluate in the extension service worker (own CDP session: playwright's Worker.evaluate hangs
   * forever on a worker that was stopped). Starts the worker if needed.
   */
  async swEvaluate(fnOrExpr, arg) {
    const t = await this.ensureServiceWorker();
    if (!this._sw || this._sw.targetId !== t.targetId || this._sw.starts !== this.swStarts) {
      const session = await this.cdp.attach(t.targetId);
      await session.send('Runtime.runIfWaitingForDebugger').catch(() => {});
      // A worker that just started may not have its chrome.* bindings yet.
      await pollUntil(() => evaluateIn(session, `typeof chrome === 'object' && !!chrome.runtime && !!chrome.runtime.id`),
        { timeout: 10000, message: 'chrome.runtime in the service worker' });
      this._sw = { targetId: t.targetId, session, starts: this.swStarts };
    }
    return evaluateIn(this._sw.session, toExpression(fnOrExpr, arg), { timeoutMs: 15000 });
  }

  /**
   * Really stop the extension's service worker (what "Stop" in chrome://serviceworker-internals
   * does): CDP ServiceWorker.stopWorker for its running version (fallback: Target.closeTarget).
   * Before, a random marker is stored as a global in the worker. Resolves once the ServiceWorker
   * domain reported the version "stopped" (the worker may already be restarting: an open panel
   * reconnects within ~50 ms, which starts a NEW worker). Returns
   * {marker, targetId, method, starts, stoppedAt} for assertServiceWorkerRestarted().
   */
  async stopServiceWorker({ timeout = 10000 } = {}) {
    const t = await this.ensureServiceWorker();
    const marker = `m${Math.random().toString(36).slice(2)}`;
    await this.swEvaluate(`globalThis.__cwiHarnessMarker = ${JSON.stringify(marker)}; true`);
    const version = this.swVersion();
    const stopsBefore = this.swStops.length;
    let method;
    if (version && version.runningStatus === 'running') {
      await this._home.session.send('ServiceWorker.stopWorker', { versionId: version.versionId });
      method = 'ServiceWorker.stopWorker';
    } else {
      await this.cdp.send('Target.closeTarget', { targetId: t.targetId });
      method = 'Target.closeTarget';
    }
    await pollUntil(() => this.swStops.length > stopsBefore, { timeout, interval: 5, message: 'runningStatus "stopped" of the service worker' });
    const stop = this.swStops[stopsBefore];
    this._sw = null;
    return { marker, targetId: t.targetId, method, starts: stop.startsBefore, stoppedAt: stop.at };
  }

  /**
   * The worker came back after stopServiceWorker(): it was started again after the stop (the
   * ServiceWorker domain saw "stopped" then "running") and the marker global stored before the
   * stop is gone, i.e. the old JS heap really died. Does not start the worker itself (waits up to
   * `timeout` for an event to wake it).
   */
  async assertServiceWorkerRestarted(stopInfo, { timeout = 10000 } = {}) {
    const t = await pollUntil(async () => {
      const x = await this.serviceWorkerTarget();
      return x && this.swStarts > stopInfo.starts && this.swRunningStatus() === 'running' ? x : null;
    }, { timeout, message: 'a service worker started after the stop' });
    const marker = await this.swEvaluate('globalThis.__cwiHarnessMarker ?? null');
    if (marker !== null) throw new Error(`service worker kept its globals (${marker}): it was not stopped`);
    return t;
  }

  // ---------------------------------------------------------------- extension

  /** Disable / enable the extension (from chrome://extensions, which may use chrome.management). */
  async setExtensionEnabled(enabled) {
    const id = await this.extensionId();
    const mgr = await this.context.newPage();
    try {
      await mgr.goto('chrome://extensions/');
      await mgr.evaluate(async ([i, on]) => {
        await chrome.management.setEnabled(i, on);
        const info = await chrome.management.get(i);
        if (info.enabled !== on) throw new Error('setEnabled did not take');
      }, [id, enabled]);
    } finally {
      await mgr.close();
    }
    this._sw = null;
    if (enabled) await this.ensureServiceWorker(15000);
  }

  // ---------------------------------------------------------------- panels

  /** A playwright page for `url` opened in a new browser window (CDP Target.createTarget). */
  async newWindowPage(url, { waitUntil = 'load' } = {}) {
    const opened = this.context.waitForEvent('page', { predicate: (p) => p.url() === url || p.url() === 'about:blank', timeout: 15000 });
    const { targetId } = await this.cdp.send('Target.createTarget', { url: 'about:blank', newWindow: true });
    let page = await opened;
    // Make sure we got the page of that target (not another about:blank).
    if ((await this.targetIdOf(page)) !== targetId) {
      page = await pollUntil(async () => {
        for (const p of this.context.pages()) if ((await this.targetIdOf(p).catch(() => null)) === targetId) return p;
        return null;
      }, { timeout: 5000, message: 'the new window page' });
    }
    await page.goto(url, { waitUntil });
    return page;
  }

  /**
   * Open the REAL devtools window for `page` (CDP Target.openDevTools) and show the extension's
   * panel `title` in it. Returns a DevtoolsPanel whose evaluate() runs in the panel iframe.
   */
  async openDevtoolsPanel(page, { title = PANEL_TITLE, timeout = 20000 } = {}) {
    const extId = await this.extensionId();
    const targetId = await this.targetIdOf(page);
    const { targetId: devtoolsTargetId } = await this.cdp.send('Target.openDevTools', { targetId });
    const devtools = await this.cdp.attach(devtoolsTargetId);
    await devtools.send('Runtime.enable').catch(() => {});
    const viewId = `chrome-extension://${extId}${title.replace(/[^A-Za-z0-9]/g, '')}`;
    // The frontend needs a moment to boot, then the extension's devtools_page must register the panel.
    await pollUntil(async () => {
      const keys = await evaluateIn(devtools, `import('./ui/legacy/legacy.js').then(UI => [...UI.ViewManager.ViewManager.instance().views.keys()])`, { timeoutMs: 5000 });
      return Array.isArray(keys) && keys.includes(viewId);
    }, { timeout, interval: 100, message: `devtools view ${viewId}` });
    const shownAt = Date.now();
    await evaluateIn(devtools, `InspectorFrontendAPI.showPanel(${JSON.stringify(viewId)})`);
    // The iframe target can go between the listing and the attach (DevTools re-creates the frame on
    // a loaded machine): attach to the one listed now, else look again.
    const { panelTarget, panelSession } = await pollUntil(async () => {
      const found = (await this.targets()).find((t) => t.type === 'iframe'
        && t.parentId === devtoolsTargetId && t.url.startsWith(`chrome-extension://${extId}/panel.html`));
      return found && { panelTarget: found, panelSession: await this.cdp.attach(found.targetId) };
    }, { timeout, message: 'the panel iframe target (attached)' });
    await panelSession.send('Runtime.runIfWaitingForDebugger').catch(() => {});
    const p = new DevtoolsPanel(this, {
      inspectedTargetId: targetId, devtoolsTargetId, devtools, panelTargetId: panelTarget.targetId, panelSession, viewId,
    });
    await p.waitFor(() => document.readyState === 'complete', { timeout, message: 'panel document loaded' });
    p.shownAt = shownAt; // when showPanel was called (epoch ms): make bench times the panel from it
    this._panels.push(p);
    return p;
  }

  async close() {
    try { this.cdp?.close(); } catch {}
    await this.context.close().catch(() => {});
    try { fs.rmSync(this.profileDir, { recursive: true, force: true }); } catch {}
  }
}

export class DevtoolsPanel extends DevtoolsPanelBase {
  _eval(expression) { return evaluateIn(this.panelSession, expression); }
  /** Evaluate in the devtools frontend page itself. */
  evaluateDevtools(fnOrExpr, arg) { return evaluateIn(this.devtools, toExpression(fnOrExpr, arg)); }
  /** Screenshot of the devtools window (the panel iframe is composited into it). */
  async screenshot(file) {
    await this.devtools.send('Page.enable').catch(() => {});
    const { data } = await this.devtools.send('Page.captureScreenshot', { format: 'png' });
    return writePng(file, data);
  }
  /**
   * Switch the devtools theme ('light' | 'dark'), as Settings > Preferences > Theme does (the
   * setting "ui-theme": "default" is light). Chromium tells extensions through
   * chrome.devtools.panels.setThemeChangeHandler.
   */
  async setDevtoolsTheme(theme) {
    const value = theme === 'dark' ? 'dark' : 'default';
    await evaluateIn(this.devtools, `import('./core/common/common.js').then((C) => {
      C.Settings.Settings.instance().moduleSetting('ui-theme').set(${JSON.stringify(value)}); return true; })`);
    return theme;
  }
  /** Resize the devtools window (undocked) or the inspected window (docked). */
  async setWindowSize(width, height) {
    // Docked devtools have no window of their own: then the inspected page's window.
    const { windowId } = await this.harness.cdp.send('Browser.getWindowForTarget', { targetId: this.devtoolsTargetId })
      .catch(() => this.harness.cdp.send('Browser.getWindowForTarget', { targetId: this.inspectedTargetId }));
    await this.harness.cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'normal' } }).catch(() => {});
    await this.harness.cdp.send('Browser.setWindowBounds', { windowId, bounds: { width, height } });
  }
  /** Closes the devtools window; resolves once its target is gone (a reopen must not find it closing). */
  // Once: a second close (a test's, then its file's `after`) waited 10 s for a target long gone.
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.harness.cdp.send('Target.closeTarget', { targetId: this.devtoolsTargetId }).catch(() => {});
    await pollUntil(async () => !(await this.harness.isLive(this.devtoolsTargetId)), { timeout: 10000, message: 'the devtools target to close' })
      .catch(() => {});
  }
}
