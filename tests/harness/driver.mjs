// What the Chromium and Firefox harnesses (chromium.mjs, firefox.mjs) share: polling, turning a
// function into an expression, the tabs API id of a page, opening the panel as a browser tab, and
// the panel drivers' common API (evaluate, waitFor, screenshot, close). Each harness supplies what
// differs: swEvaluate, newWindowPage, extensionId, and its DevtoolsPanel's _eval.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PANEL_TITLE = 'HubSpot Chat';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Turn a function (+ one JSON argument) or an expression string into an expression string. */
export function toExpression(fnOrExpr, arg) {
  if (typeof fnOrExpr === 'function') {
    return `(${fnOrExpr.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`;
  }
  return String(fnOrExpr);
}

/**
 * Poll `probe()` until it returns a truthy value (returned), or throw after `timeout` ms.
 * Errors thrown by probe count as "not yet" (the last one is reported on timeout).
 */
export async function pollUntil(probe, { timeout = 10000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError = null;
  let lastValue;
  for (;;) {
    try {
      lastValue = await probe();
      if (lastValue) return lastValue;
      lastError = null;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? `; last error: ${lastError.message}` : `; last value: ${JSON.stringify(lastValue)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${why}`);
    }
    await sleep(interval);
  }
}

/**
 * Wait for work that arrives in steps (a flood reaching its panel, a log filling in) on a machine
 * that may be loaded: poll `probe()` (any JSON value that changes as the work advances, e.g. a
 * count; `progressOf(value)` picks the part that moves) until `done(value)` is truthy (returns the value).
 * Fails when that part has not changed for
 * `stallMs` (the work stopped: lost, stuck) or after `maxMs` in all. A fixed deadline fails a run
 * that is slow but moving; this one fails only a run that stopped moving. Errors thrown by probe
 * count as "no progress".
 */
export async function waitForProgress(probe, done, {
  stallMs = 30000, maxMs = 300000, interval = 100, message = 'progress', progressOf = (value) => value,
} = {}) {
  const start = Date.now();
  let last;
  let lastKey;
  let lastError = null;
  let since = start;
  for (;;) {
    try {
      const value = await probe();
      lastError = null;
      if (done(value)) return value;
      const key = JSON.stringify(progressOf(value));
      if (key !== lastKey) { lastKey = key; last = value; since = Date.now(); }
    } catch (e) {
      lastError = e;
    }
    const now = Date.now();
    const why = `${lastError ? `; last error: ${lastError.message}` : ''}; last value: ${JSON.stringify(last)}`;
    if (now - since > stallMs) throw new Error(`no progress for ${stallMs} ms (after ${now - start} ms) waiting for ${message}${why}`);
    if (now - start > maxMs) throw new Error(`timed out after ${maxMs} ms (still moving) waiting for ${message}${why}`);
    await sleep(interval);
  }
}

/**
 * Why a browser cannot be launched here, or null: its `binary` is missing (Debian package `pkg`),
 * or `extension` (an unpacked build; null = none) has no manifest.json.
 */
export function launchProblem({ name, binary, pkg }, extension) {
  if (!fs.existsSync(binary)) return `${name} not found at ${binary} (apt-get install -y ${pkg})`;
  if (extension && !fs.existsSync(path.join(extension, 'manifest.json'))) return `no built extension in ${extension} (run make dist)`;
  return null;
}

/**
 * Both harnesses extend this. Subclasses provide extensionId(), swEvaluate(fnOrExpr, arg) (in the
 * extension, with the tabs API) and newWindowPage(url).
 */
export class HarnessBase {
  constructor() {
    this._tabIds = new WeakMap();
    this._panels = [];
  }

  async extensionUrl(rel) {
    return `${this.extensionScheme}://${await this.extensionId()}/${rel}`;
  }

  /**
   * The tabs API id of a page, asked in the extension and cached per page: matched by URL, else
   * by tagging the document title for a moment.
   */
  async tabIdOf(page) {
    if (this._tabIds.has(page)) return this._tabIds.get(page);
    const tabsMatching = (field, value) => this.swEvaluate(
      async ({ f, v }) => (await (globalThis.browser ?? globalThis.chrome).tabs.query({})).filter((t) => t[f] === v).map((t) => t.id),
      { f: field, v: value });
    let ids = await tabsMatching('url', page.url());
    if (ids.length !== 1) {
      const tag = `cwi-tab-${Math.random().toString(36).slice(2)}`;
      const old = await page.evaluate((t) => { const o = document.title; document.title = t; return o; }, tag);
      try {
        ids = await pollUntil(async () => {
          const r = await tabsMatching('title', tag);
          return r.length === 1 ? r : null;
        }, { timeout: 5000, message: `the tab titled ${tag}` });
      } finally {
        await page.evaluate((t) => { document.title = t; }, old);
      }
    }
    this._tabIds.set(page, ids[0]);
    return ids[0];
  }

  /**
   * The panel as a browser tab: <extension>/panel.html?tabId=N, in a NEW WINDOW so the inspected
   * page stays the visible tab of its own window (a background tab gets no requestAnimationFrame
   * and 1 s-aligned timers, which would distort the page under test).
   */
  async openPanelTab(pageOrTabId) {
    const tabId = typeof pageOrTabId === 'number' ? pageOrTabId : await this.tabIdOf(pageOrTabId);
    const page = await this.newWindowPage(await this.extensionUrl(`panel.html?tabId=${tabId}`));
    const p = new PanelTab(page, tabId);
    this._panels.push(p);
    return p;
  }
}

/** Shared driver API of the panel (as a tab or in devtools). Subclasses implement _eval(expression). */
export class PanelDriver {
  /** Evaluate a function (with one JSON arg) or an expression in the panel document. */
  evaluate(fnOrExpr, arg) { return this._eval(toExpression(fnOrExpr, arg)); }

  /** Poll a predicate (function or expression) in the panel until truthy; returns its value. */
  waitFor(pred, { timeout = 10000, interval = 50, message } = {}) {
    const expr = toExpression(pred);
    return pollUntil(() => this._eval(expr), { timeout, interval, message: message || expr.slice(0, 200) });
  }
}

/** The panel opened as a browser tab (panel.html?tabId=N): a page of the harness. */
export class PanelTab extends PanelDriver {
  constructor(page, tabId) { super(); this.page = page; this.tabId = tabId; this.kind = 'tab'; }
  _eval(expression) { return this.page.evaluate(expression); }
  async screenshot(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }
  async close() { await this.page.close().catch(() => {}); }
}

/** The panel in the REAL devtools; each harness's subclass implements _eval and the devtools parts. */
export class DevtoolsPanelBase extends PanelDriver {
  constructor(harness, fields) {
    super();
    this.harness = harness;
    this.kind = 'devtools';
    Object.assign(this, fields);
  }
}

/** Write a base64 PNG to `file` (creating its folder); returns `file`. */
export function writePng(file, base64) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  return file;
}
