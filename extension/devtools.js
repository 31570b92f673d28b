// Creates the "HubSpot Chat" panel for the inspected tab; the panel learns the tab from its URL
// so the same page also works as a tab (panel.html?tabId=N).
// It also passes the devtools theme (&theme=light|dark) and announces changes on the
// BroadcastChannel "cwi-theme" (see devpanel/theme.js): the panel page has no devtools API of
// its own. themeName is "default" | "dark" in Chrome, "light" | "dark" in Firefox.
const tabId = chrome.devtools.inspectedWindow.tabId;
const themeOf = (name) => (name === 'dark' ? 'dark' : 'light');
let theme = themeOf(chrome.devtools.panels.themeName);

const channel = new BroadcastChannel('cwi-theme');
const announce = () => channel.postMessage({ type: 'theme', tabId, theme });
channel.onmessage = ({ data }) => {
  if (data && data.type === 'ask' && data.tabId === tabId) announce();
};
const changed = (name) => {
  theme = themeOf(name);
  announce();
};
if (chrome.devtools.panels.onThemeChanged) {
  chrome.devtools.panels.onThemeChanged.addListener(changed); // Firefox
} else if (typeof chrome.devtools.panels.setThemeChangeHandler === 'function') {
  chrome.devtools.panels.setThemeChangeHandler(changed); // Chrome
}

// DevTools' own search bar on the panel (Chromium's ExtensionPanel: panel.onSearch with
// performSearch / nextSearchResult / previousSearchResult / cancelSearch) is forwarded to the
// panel on the BroadcastChannel "cwi-search"; the panel filters its log with it.
const search = new BroadcastChannel('cwi-search');

chrome.devtools.panels.create(
  'HubSpot Chat',
  'icons/icon-16.png',
  `panel.html?tabId=${tabId}&theme=${theme}`,
  (panel) => {
    if (panel && panel.onSearch) {
      panel.onSearch.addListener((action, query) => search.postMessage({ type: 'search', tabId, action, query }));
    }
  },
);
