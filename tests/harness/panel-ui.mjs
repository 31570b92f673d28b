// Reading and driving the panel's UI through a driver (PanelTab or DevtoolsPanel: both have
// evaluate(fn, arg) and waitFor(pred, opts)). Every selector of the UI contract lives HERE, so a
// change of the panel's markup is fixed in one file:
//   [data-api-state] absent|placeholder|ready, [data-widget-loaded] true|false
//   one row per SDK event: [data-event-name="<name>"] (its text holds the payload JSON); the log is a
//   VIRTUAL list (issue 12): only the rows in view plus a small overscan are in the DOM, each with
//   its place aria-rowindex (the header is 1), between two spacers [data-spacer="above|below"]
//   (role="presentation"); rows are 22 px high, so row #k (aria-rowindex k+2) sits at k*22 px;
//   readPanel/eventRows/countEvents/clickRow/navigationCount/logRows read the WHOLE log (scrolled
//   through a view at a time, then put back). Scrolled to its end the log follows new rows; a
//   scroll up stops that until it is scrolled back to the end
//   navigation separators: [data-navigation]
//   buttons "Clear", "Pause"/"Resume"; checkbox "Preserve log"; input[placeholder="Filter"];
//   select[aria-label="Event name"]; detail pane: [data-testid="payload"]
//   the panel's views (Events, Diagnostics, Widget, Settings, Cookies): one [role="tab"] each, the
//   selected one with aria-selected="true"; Diagnostics (docs/diagnostics.md §3): #tab-diagnostics,
//   one [data-rule="<id>"] element per finding, the status line [data-diagnosis]
//   Widget view: the per-site opt-in input[type=checkbox][data-listen="widgetHidden"]; whether the
//   chat renders: [data-render] true|false|unknown
//   Filters (issue 11): kind chips button[data-kind-chip="all|sdk|widget|page|panel|diagnostics"]
//   with aria-pressed; "N of M shown": [data-shown-count="N"][data-total-count="M"]; an invalid
//   /regex/: [data-filter-error] (and aria-invalid="true" on the Filter input)
//   Empty states: [data-empty-state="<key>"] (Events: no-hubspot, loader-only, placeholder,
//   no-events, filtered, paused, no-page, not-a-web-page, hook-silent, connecting, disconnected;
//   Widget: no-api, no-calls)
//   Widget call buttons: button.call, disabled with the reason in title (and data-disabled-reason)
//   when the API state cannot run them; results: [data-call][data-outcome="ok|failed|no-effect"]
//   inside [data-call-group="current|previous"] (one group per page load); call rows of Events
//   ([role="row"][data-call]) carry data-outcome too
//   Preferences: ONE record in storage.local under "panelPrefs" (src/core/prefs.rs)
//   the log: #event-log (role="grid", focusable) with aria-activedescendant = the selected row's id;
//   rows id="event-row-<entry id>", the selected one .selected + aria-selected="true"; the detail
//   pane .detail; between them (when a row is selected) [role="separator"] with aria-valuenow (the
//   log's share of the split, %, 15-85; arrow keys +-2, PageUp/PageDown +-10, Home/End; remembered in
//   storage.local "panelPrefs", field split) and aria-orientation vertical (side by side) |
//   horizontal (stacked, panel < 700 px wide)
//   the log's columns (issue 11 §1/§4): a header row #event-log-header (role="row", aria-rowindex 1,
//   owned by the grid: aria-owns; the grid's aria-rowcount counts it, rows carry aria-rowindex from 2)
//   with [role="columnheader"][data-column="time|name|summary"]; resize handles
//   [data-resize-column="time|name"] (role="slider", focusable, aria-valuenow = width in px; time
//   48-200, name 60-400; ArrowLeft/ArrowRight -+8, Home the default 64|210, End the widest; pointer
//   drag); remembered in storage.local "panelPrefs", field columns {time, name}
//   keys (panel-wide, never passed on to DevTools): Esc empties the filter box it is typed in, else
//   closes the details, else empties the filter; Ctrl/Cmd+F focuses input[placeholder="Filter"]
//   (showing Events); "/" does too outside text fields. JSON tree: .detail .tree [aria-expanded] >
//   button.toggle (Enter/Space toggle, ArrowRight expands, ArrowLeft collapses)
//   DevTools' search bar: devtools.js posts {type:"search", tabId, action, query} on the
//   BroadcastChannel "cwi-search" (performSearch filters, cancelSearch empties, next/previous select)
//   payloads and copy (issue 11 §6): an event row's text is its summary OR its compact payload;
//   with a summary, the payload is in the row's title (rowShowsPayload reads both). Detail pane:
//   buttons [data-copy="Copy payload"|"Copy row as JSON"|"Copy as code"], cuts with the real size
//   [data-truncation="<string of N chars — first 2,000 shown | N items — first 100 shown>"] (also
//   on the JSON tree's nodes), "Copy value" buttons .tree .copy-value. Rows' context menu:
//   [role="menu"] of [role="menuitem"] (right click, Shift+F10; Esc closes). The last copy:
//   [data-copied]=<text> with data-copied-how clipboard|execCommand|failed, data-copied-what.
//   export/import (§7): .log-file button[aria-haspopup="menu"] "Export…" opens
//   [role="menu"][aria-label="Export format"] (items "JSON (.json)", "NDJSON (…)"); button
//   "Import…" and its .log-file input[type=file]; an import shown: [data-import-file=<name>] with
//   button "Back to live log"; a refused file: [data-import-error] (role="alert").
//   Toolbar popup (popup.html?tabId=N, tests/e2e/action.test.mjs): main[data-popup];
//   [data-state] ready|not_loaded|problem|none; [data-field="label|detail|portal|api|widget|headline"];
//   [data-found] (hidden when none); one li[data-rule="<id>"][data-severity] per problem in
//   [data-problems]; [data-howto] with button[data-open-panel] (opens panel.html?tabId=N)

/** JSON text without insignificant whitespace, so `"a": 1` (pretty) matches `"a":1`. */
export function squash(text) {
  return String(text).replace(/\s+/g, '');
}

/**
 * In the panel: the rows of the Events log, ALL of them. The log is a virtual list (only the rows
 * in view are in the DOM; aria-rowcount counts them all): when some are out of the DOM, it is
 * scrolled through a view at a time (each row read where it renders) and put back where it was
 * (at the end when it was there, so it follows again). Returns [{el?, name, id, text, title,
 * navigation, rowindex}] in order; `el` only when every row was in the DOM at once.
 */
async function scanLogRows() {
  const log = document.querySelector('#event-log');
  const read = (el) => ({
    name: el.getAttribute('data-event-name'), id: el.getAttribute('data-id'), text: el.textContent,
    title: el.getAttribute('title') || '', navigation: el.hasAttribute('data-navigation'),
    rowindex: Number(el.getAttribute('aria-rowindex')), kind: el.getAttribute('data-kind'),
    label: el.querySelector('.name')?.textContent ?? '',
  });
  if (!log) return [];
  const total = Number(log.getAttribute('aria-rowcount') || 1) - 1;
  const inDom = () => [...log.querySelectorAll('[role="row"][aria-rowindex]')];
  if (inDom().length >= total) return inDom().map(read);
  const seen = new Map();
  const saved = log.scrollTop;
  const atEnd = saved + log.clientHeight >= log.scrollHeight - 2;
  const rowHeight = log.scrollHeight / Math.max(1, total);
  const step = Math.max(rowHeight, log.clientHeight - rowHeight);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (let top = 0, guard = 0; guard < 100000; top += step, guard++) {
    log.scrollTop = top;
    const first = Math.min(Math.floor(log.scrollTop / rowHeight) + 2, total + 1);
    const last = Math.min(Math.floor((log.scrollTop + log.clientHeight - 1) / rowHeight) + 2, total + 1);
    for (let t = 0; t < 200 && !(log.querySelector(`[aria-rowindex="${first}"]`) && log.querySelector(`[aria-rowindex="${last}"]`)); t++) await sleep(5);
    for (const el of inDom()) seen.set(el.getAttribute('aria-rowindex'), read(el));
    if (log.scrollTop + log.clientHeight >= log.scrollHeight - 1) break;
  }
  log.scrollTop = atEnd ? log.scrollHeight : saved;
  return [...seen.values()].sort((a, b) => a.rowindex - b.rowindex);
}
const SCAN = scanLogRows.toString();

/**
 * Every row of the Events log in order (scrolled through when the virtual list holds only some):
 * [{name (data-event-name; null for other rows), id, text, title, navigation, rowindex, kind
 * (data-kind), label (the Name cell's text)}].
 */
export function logRows(d) {
  return d.evaluate(`(${SCAN})()`);
}

/** What the panel shows now: api state, widget flag, event rows, navigation separators. */
export function readPanel(d) {
  return d.evaluate(`(async () => {
    const scanLogRows = ${SCAN};
    const log = document.querySelector('#event-log');
    const logRows = await scanLogRows();
    const outside = (selector) => [...document.querySelectorAll(selector)].filter((el) => !log || !log.contains(el));
    const read = (el) => ({ name: el.getAttribute('data-event-name'), id: el.getAttribute('data-id'), text: el.textContent, title: el.getAttribute('title') || '' });
    const status = document.querySelector('[data-api-state]');
    const rows = [...logRows.filter((r) => r.name !== null), ...outside('[data-event-name]').map(read)]
      .map(({ name, id, text, title }) => ({ name, id, text, title }));
    return {
      api: status ? status.getAttribute('data-api-state') : null,
      widgetLoaded: status ? status.getAttribute('data-widget-loaded') : null,
      rows,
      navigations: logRows.filter((r) => r.navigation).length + outside('[data-navigation]').length,
      allRows: logRows.length + outside('[data-event-name], [data-navigation], [role="row"]').length,
    };
  })()`);
}

/**
 * THE payload assertion point: does this event row show `fragment` (JSON text such as
 * '"conversationId":123') as its payload? Looks at the row's own text/title (whitespace-free
 * comparison). Adapt here if the panel moves payloads into a detail pane only.
 */
export function rowShowsPayload(row, fragment) {
  return squash(row.text).includes(squash(fragment)) || squash(row.title).includes(squash(fragment));
}

/** Event rows with this name (and, optionally, showing this payload fragment). */
export async function eventRows(d, name, fragment) {
  const { rows } = await readPanel(d);
  return rows.filter((r) => (name == null || r.name === name) && (fragment == null || rowShowsPayload(r, fragment)));
}

export async function countEvents(d, name, fragment) {
  return (await eventRows(d, name, fragment)).length;
}

/** Wait until at least `n` rows of `name` (with `fragment`) are shown; returns them. */
export function waitForEvents(d, name, fragment, { n = 1, timeout = 10000 } = {}) {
  return pollFn(async () => {
    const rows = await eventRows(d, name, fragment);
    return rows.length >= n ? rows : null;
  }, timeout, `${n} row(s) ${name}${fragment ? ` with ${fragment}` : ''} in the ${d.kind} panel`, () => readPanel(d));
}

/** Wait until the count of matching rows is exactly `n` and stays so for `stableMs`. */
export async function expectExactly(d, name, fragment, n, { timeout = 10000, stableMs = 400 } = {}) {
  const deadline = Date.now() + timeout;
  let since = null;
  let count = -1;
  for (;;) {
    const c = await countEvents(d, name, fragment);
    if (c !== count) { count = c; since = Date.now(); }
    if (count === n && Date.now() - since >= stableMs) return;
    if (count > n) throw new Error(`expected exactly ${n} row(s) ${name} ${fragment ?? ''}, got ${count}: ${JSON.stringify((await eventRows(d, name)).map((r) => r.text))}`);
    if (Date.now() > deadline) throw new Error(`expected exactly ${n} row(s) ${name} ${fragment ?? ''}, got ${count} after ${timeout} ms; panel: ${JSON.stringify(await readPanel(d)).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function apiState(d) {
  return d.evaluate(() => document.querySelector('[data-api-state]')?.getAttribute('data-api-state') ?? null);
}

export function waitForApiState(d, state, { timeout = 10000 } = {}) {
  return pollFn(async () => (await apiState(d)) === state, timeout, `data-api-state="${state}" in the ${d.kind} panel`, () => readPanel(d));
}

export function waitForWidgetLoaded(d, loaded = true, { timeout = 10000 } = {}) {
  return pollFn(() => d.evaluate((want) => document.querySelector('[data-widget-loaded]')?.getAttribute('data-widget-loaded') === String(want), loaded),
    timeout, `data-widget-loaded="${loaded}"`, () => readPanel(d));
}

/** Wait until the panel app rendered its status element. */
export function waitForPanelReady(d, { timeout = 15000 } = {}) {
  return d.waitFor(() => !!document.querySelector('[data-api-state]'), { timeout, message: `the ${d.kind} panel to render [data-api-state]` });
}

/** Click a button by its visible label (exact, trimmed). */
export function clickButton(d, label) {
  return d.evaluate((l) => {
    const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === l);
    if (!b) throw new Error(`no button "${l}"; buttons: ${[...document.querySelectorAll('button')].map((x) => x.textContent.trim()).join(' | ')}`);
    b.click();
    return true;
  }, label);
}

export function hasButton(d, label) {
  return d.evaluate((l) => [...document.querySelectorAll('button')].some((x) => x.textContent.trim() === l), label);
}

/** Set the "Preserve log" checkbox to `on` (clicks it only when it differs). */
export function setPreserveLog(d, on) {
  return d.evaluate((want) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.includes('Preserve log'));
    const box = label?.querySelector('input[type=checkbox]')
      || (label?.htmlFor && document.getElementById(label.htmlFor))
      || document.querySelector('input[type=checkbox][aria-label="Preserve log"]');
    if (!box) throw new Error('no "Preserve log" checkbox');
    if (box.checked !== want) box.click();
    return box.checked;
  }, on);
}

/** Type into the free-text search (input[placeholder="Filter"]). */
export function setSearch(d, text) {
  return d.evaluate((t) => {
    const input = document.querySelector('input[placeholder="Filter"]');
    if (!input) throw new Error('no input[placeholder="Filter"]');
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, t);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, data: t, inputType: 'insertText' }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }, text);
}

/** Choose an event name in select[aria-label="Event name"] ('' = all). Waits for the option. */
export async function selectEventName(d, name, { timeout = 5000 } = {}) {
  await d.waitFor(`(() => { const s = document.querySelector('select[aria-label="Event name"]');
    return !!s && [...s.options].some((o) => o.value === ${JSON.stringify(name)}); })()`,
  { timeout, message: `option "${name}" in the Event name select` });
  return d.evaluate((n) => {
    const s = document.querySelector('select[aria-label="Event name"]');
    s.value = n;
    s.dispatchEvent(new Event('input', { bubbles: true }));
    s.dispatchEvent(new Event('change', { bubbles: true }));
    return s.value;
  }, name);
}

/** In the panel: scrolls the virtual log to the index-th row of `n` (showing `f`) and clicks it. */
async function clickLogRow([n, i, f], scanLogRows) {
  const squash = (s) => String(s).replace(/\s+/g, '');
  // As rowShowsPayload: the row's text or its title (a summary row has its payload there).
  const matches = (r) => !f || squash(r.text).includes(squash(f)) || squash(r.title).includes(squash(f));
  const log = document.querySelector('#event-log');
  const rows = (await scanLogRows()).filter((r) => r.name === n && matches(r));
  if (!rows[i]) throw new Error(`no row ${n} #${i}`);
  // Rendered only in view: scroll to the row's place first.
  const selector = `[aria-rowindex="${rows[i].rowindex}"]`;
  let el = log.querySelector(selector);
  if (!el) {
    const rowHeight = log.scrollHeight / (Number(log.getAttribute('aria-rowcount')) - 1);
    log.scrollTop = rowHeight * (rows[i].rowindex - 2) - log.clientHeight / 2;
    for (let t = 0; t < 200 && !(el = log.querySelector(selector)); t++) await new Promise((r) => setTimeout(r, 5));
  }
  if (!el) throw new Error(`row ${n} #${i} not rendered at its place`);
  el.scrollIntoView({ block: 'nearest' });
  el.click();
  return true;
}

/** Click the first (or index-th) row of `name`; returns the detail pane's payload text ('' if none). */
export async function clickRow(d, name, { index = 0, fragment } = {}) {
  await d.evaluate(`(${clickLogRow.toString()})(${JSON.stringify([name, index, fragment ?? null])}, ${SCAN})`);
  return d.waitFor(() => document.querySelector('[data-testid="payload"]')?.textContent || '', { timeout: 5000, message: 'the detail pane [data-testid="payload"]' })
    .catch(() => '');
}

/** Text of the detail pane's payload (or ''). */
export function detailPayload(d) {
  return d.evaluate(() => document.querySelector('[data-testid="payload"]')?.textContent || '');
}

export async function navigationCount(d) {
  return (await readPanel(d)).navigations;
}

async function pollFn(probe, timeout, message, describe) {
  const deadline = Date.now() + timeout;
  let lastErr = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) { lastErr = e; }
    if (Date.now() > deadline) {
      let extra = '';
      try { extra = describe ? `; panel: ${JSON.stringify(await describe()).slice(0, 2000)}` : ''; } catch {}
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${lastErr ? `; last error: ${lastErr.message}` : ''}${extra}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Start recording every value [data-api-state] takes in the panel (MutationObserver on the
 * attribute, plus the current value). Read with apiStatesSeen(d). Re-arm after a reload.
 */
export function recordApiStates(d) {
  return d.evaluate(() => {
    window.__cwiApiStates = [];
    const push = () => {
      const v = document.querySelector('[data-api-state]')?.getAttribute('data-api-state') ?? null;
      if (window.__cwiApiStates.at(-1) !== v) window.__cwiApiStates.push(v);
    };
    push();
    window.__cwiApiObserver?.disconnect();
    window.__cwiApiObserver = new MutationObserver(push);
    window.__cwiApiObserver.observe(document.documentElement, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-api-state'],
    });
    return window.__cwiApiStates.slice();
  });
}

export function apiStatesSeen(d) {
  return d.evaluate(() => (window.__cwiApiStates || []).slice());
}

/** Names of the panel's views (their [role="tab"] selectors). */
export function viewNames(d) {
  return d.evaluate(() => [...document.querySelectorAll('[role="tab"]')].map((t) => t.textContent.trim()));
}

// The view tab named `n`: its text is the name (a tab may add a count after it, e.g. "Diagnostics 2"),
// or its id is tab-<name in lower case>. Runs in the panel (a function passed as text).
const FIND_VIEW_TAB = `(n) => {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  return tabs.find((t) => t.textContent.trim() === n) || document.getElementById('tab-' + n.toLowerCase())
    || tabs.find((t) => t.textContent.trim().startsWith(n + ' ')) || null;
}`;

/** Select the panel's view `name` (its [role="tab"]) and wait until it is the selected one. */
export async function selectView(d, name) {
  await d.evaluate(`(() => {
    const n = ${JSON.stringify(name)};
    const sel = (${FIND_VIEW_TAB})(n);
    if (!sel) throw new Error('no view "' + n + '"; tabs: ' + [...document.querySelectorAll('[role="tab"]')].map((t) => t.textContent.trim()).join(' | '));
    sel.click();
    return true;
  })()`);
  await d.waitFor(`(${FIND_VIEW_TAB})(${JSON.stringify(name)})?.getAttribute('aria-selected') === 'true'`,
    { message: `the ${name} view to be selected` });
}

// ---------------------------------------------------------------- Diagnostics view (issue 9)

/** The rule ids of the findings shown now ([data-rule] elements, in order). */
export function findingRules(d) {
  return d.evaluate(() => [...document.querySelectorAll('[data-rule]')].map((el) => el.getAttribute('data-rule')));
}

/** Wait until a finding `[data-rule="<rule>"]` is shown; returns {rule, severity, text}. */
export function waitForFinding(d, rule, { timeout = 15000 } = {}) {
  return pollFn(() => d.evaluate((r) => {
    const el = document.querySelector(`[data-rule="${r}"]`);
    return el ? { rule: r, severity: el.getAttribute('data-severity'), text: el.textContent } : null;
  }, rule), timeout, `a finding [data-rule="${rule}"] in the ${d.kind} panel`,
  async () => ({ rules: await findingRules(d), diagnosis: await diagnosisLine(d) }));
}

/** Throws unless NO [data-rule] element is shown during `stableMs` (polled). */
export async function expectNoFindings(d, { stableMs = 800, label = '' } = {}) {
  const deadline = Date.now() + stableMs;
  for (;;) {
    const rules = await findingRules(d);
    if (rules.length) throw new Error(`${label}: expected no finding, the ${d.kind} panel shows ${JSON.stringify(rules)} (${await diagnosisLine(d)})`);
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The status bar's one-line answer ([data-diagnosis]), or null. */
export function diagnosisLine(d) {
  return d.evaluate(() => document.querySelector('[data-diagnosis]')?.textContent.trim() ?? null);
}



// ---------------------------------------------------------------- Widget view: the widgetHidden opt-in (issue 10)

const LISTEN_BOX = 'input[type=checkbox][data-listen="widgetHidden"]';

/** The opt-in checkbox in the Widget view (selected first): {checked, disabled}, or null without one. */
export async function listenWidgetHidden(d) {
  await selectView(d, 'Widget');
  return d.evaluate(`(() => {
    const box = document.querySelector(${JSON.stringify(LISTEN_BOX)});
    return box ? { checked: box.checked, disabled: box.disabled } : null;
  })()`);
}

/** Set the opt-in (Widget view) to `on` by clicking it, once it is enabled (the choice for the site is read). */
export async function setListenWidgetHidden(d, on) {
  await selectView(d, 'Widget');
  await d.waitFor(`!!document.querySelector(${JSON.stringify(LISTEN_BOX)}) && !document.querySelector(${JSON.stringify(LISTEN_BOX)}).disabled`,
    { message: 'the widgetHidden opt-in to be enabled' });
  await d.evaluate(`(() => {
    const box = document.querySelector(${JSON.stringify(LISTEN_BOX)});
    if (box.checked !== ${!!on}) box.click();
    return true;
  })()`);
  await d.waitFor(`document.querySelector(${JSON.stringify(LISTEN_BOX)})?.checked === ${!!on}`,
    { message: `the widgetHidden opt-in to be ${on ? 'on' : 'off'}` });
}

/** What the Widget view says about whether the chat renders: {value: 'true'|'false'|'unknown', text}. */
export async function renderFact(d) {
  await selectView(d, 'Widget');
  return d.evaluate(() => {
    const el = document.querySelector('[data-render]');
    return el ? { value: el.getAttribute('data-render'), text: el.textContent } : null;
  });
}

// ---------------------------------------------------------------- filters and empty states (issue 11)

/** Click the kind chip `kind` ('all', 'sdk', 'widget', 'page', 'panel', 'diagnostics'); returns its aria-pressed. */
export async function kindChip(d, kind) {
  await d.evaluate((k) => {
    const chip = document.querySelector(`[data-kind-chip="${k}"]`);
    if (!chip) throw new Error(`no [data-kind-chip="${k}"]`);
    chip.click();
    return true;
  }, kind);
  return d.evaluate((k) => document.querySelector(`[data-kind-chip="${k}"]`)?.getAttribute('aria-pressed'), kind);
}

/** "N of M shown": {shown, total, text}, or null. */
export function shownCount(d) {
  return d.evaluate(() => {
    const el = document.querySelector('[data-shown-count]');
    return el && { shown: Number(el.getAttribute('data-shown-count')), total: Number(el.getAttribute('data-total-count')), text: el.textContent.trim() };
  });
}

/**
 * Wait for the Events view's empty state: {key, text}. With `key`, wait for THAT one (the panel
 * passes through connecting and no-page while the tab's status arrives, later on a loaded machine);
 * the timeout's error names the last one shown.
 */
export async function emptyState(d, { timeout = 10000, key } = {}) {
  const read = () => d.evaluate(() => {
    const el = document.querySelector('.log [data-empty-state]');
    return el && { key: el.getAttribute('data-empty-state'), text: el.textContent.replace(/\s+/g, ' ').trim() };
  });
  let last = null;
  return pollFn(async () => {
    last = await read();
    return last && (key === undefined || last.key === key) ? last : null;
  }, timeout, key ? `the empty state "${key}" in Events` : 'an empty state in Events', () => last);
}
