// Creates the "HubSpot Chat" panel for the inspected tab; the panel learns the tab from its URL
// so the same page also works as a tab (panel.html?tabId=N).
chrome.devtools.panels.create(
  'HubSpot Chat',
  'icons/icon-16.png',
  `panel.html?tabId=${chrome.devtools.inspectedWindow.tabId}`,
);
