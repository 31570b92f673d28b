// The toolbar action's popup: asks the background what is known of its tab (docs/protocol.md §7:
// an ActionRequest as JSON text, an ActionReply back) and shows it. Text only (textContent); every
// sentence comes from the Rust core (src/core/action.rs). The tab is `?tabId=N` when given, else
// the active tab of the popup's window (its id needs no permission).
const VERSION = 1;
const $ = (selector) => document.querySelector(selector);

async function tabOfPopup() {
  const given = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(given) && given >= 0) return given;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

async function send(request) {
  const text = await chrome.runtime.sendMessage(JSON.stringify({ v: VERSION, ...request }));
  const reply = typeof text === 'string' ? JSON.parse(text) : null;
  return reply?.type === request.type && reply.v === VERSION ? reply : null;
}

// `opened` on the popup's first answered request: the background probes its tab again (it follows
// the tabs' loads only at times, so what it probed before may be another document's).
let opened = true;
async function ask(tab) {
  const summary = await send({ type: 'summary', tab, opened });
  if (summary) opened = false;
  return summary;
}

function set(field, text) {
  $(`[data-field="${field}"]`).textContent = text;
}

function render(summary) {
  $('[data-state]').dataset.state = summary.state ?? 'none';
  set('label', summary.label);
  set('detail', summary.detail);
  $('[data-found]').hidden = summary.state === null;
  set('portal', summary.portal ?? 'not found');
  set('api', summary.api ?? 'not recorded yet');
  set('widget', summary.widget_loaded === null ? 'unknown' : summary.widget_loaded ? 'loaded' : 'not loaded');
  set('headline', summary.headline ?? 'not run yet');
  const list = $('[data-problems]');
  list.replaceChildren(...summary.problems.map((problem) => {
    const item = document.createElement('li');
    item.dataset.rule = problem.rule;
    item.dataset.severity = problem.severity;
    const code = document.createElement('code');
    code.textContent = ` (${problem.rule})`;
    item.append(document.createTextNode(problem.title), code);
    return item;
  }));
  list.hidden = summary.problems.length === 0;
}

const tab = await tabOfPopup();
let panelPath = tab === null ? null : `panel.html?tabId=${tab}`;
$('[data-open-panel]').addEventListener('click', async () => {
  if (panelPath === null) return;
  await chrome.windows.create({ url: chrome.runtime.getURL(panelPath), type: 'popup', width: 1000, height: 680 });
  if (!new URLSearchParams(location.search).has('tabId')) window.close();
});

// "Find HubSpot on every tab" (off by default): registers the discovery content script on every
// web page (README "Toolbar button"), and runs it once in the tabs already open.
const FACTS = /*facts*/{"discoveryScript":"discovery","discoveryFile":"contentScript/discovery.js"}/*end facts*/;
const WEB_PAGES = ['http://*/*', 'https://*/*'];
const discoveryToggle = $('[data-discovery-toggle]');

async function discoveryOn() {
  return (await chrome.scripting.getRegisteredContentScripts({ ids: [FACTS.discoveryScript] })).length > 0;
}

async function setDiscovery(on) {
  if (on === await discoveryOn()) return;
  if (!on) {
    await chrome.scripting.unregisterContentScripts({ ids: [FACTS.discoveryScript] });
    await tellBackground(false);
    return;
  }
  await chrome.scripting.registerContentScripts([{
    id: FACTS.discoveryScript, js: [FACTS.discoveryFile], matches: WEB_PAGES, runAt: 'document_idle', persistAcrossSessions: true,
  }]);
  await tellBackground(true); // before the open tabs' scripts answer
  const open = await chrome.tabs.query({ url: WEB_PAGES });
  await Promise.all(open.map((t) => chrome.scripting.executeScript({ target: { tabId: t.id }, files: [FACTS.discoveryFile] }).catch(() => {})));
}

// The background follows every tab's loads while the switch is on (Hub::follows_tabs).
const tellBackground = (on) => send({ type: 'discovery', on }).catch(() => null);

discoveryOn().then((on) => { discoveryToggle.checked = on; }, () => {});
discoveryToggle.addEventListener('change', async () => {
  discoveryToggle.disabled = true;
  try {
    await setDiscovery(discoveryToggle.checked);
  } catch (error) {
    console.error('[Chat Widget Inspector] Find HubSpot on every tab:', error);
  }
  discoveryToggle.checked = await discoveryOn().catch(() => false);
  discoveryToggle.disabled = false;
});

const LOOKING_REFRESH_MS = 100; // the probe the first request started answers within a few frames
const REFRESH_MS = 1000; // while the popup is open: "not loaded" becomes "ready" when it does

async function refresh() {
  let summary = null;
  try {
    summary = tab === null ? null : await ask(tab);
  } catch {
    // the background is starting: the next refresh asks again
  }
  if (summary) {
    panelPath = summary.panel_path;
    render(summary);
  } else if (tab === null) {
    set('label', 'No tab to inspect');
  }
  setTimeout(refresh, summary?.looking ? LOOKING_REFRESH_MS : REFRESH_MS);
}
await refresh();
