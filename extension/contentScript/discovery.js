// "Find HubSpot on every tab" (the popup's switch, off by default): the popup registers this file
// as a content script of every web page, at document_idle, in the extension's isolated world (the
// page sees nothing of it: no page function is called, no event dispatched, nothing added). It
// tells the background once that the page shows HubSpot's embed code, loader or chat iframe, now
// or when one is added to <head> or <body> later (a single-page app); the background's probe then
// decides. The popup also injects it into the tabs already open when the switch is turned on.
(() => {
  const FACTS = /*facts*/{"hubspotSeen":"{\"v\":1,\"type\":\"hubspot_seen\"}","selector":"#hubspot-messages-loader, #hs-script-loader, script[src*=\"hs-scripts.com/\"], script[src*=\"usemessages.com/\"], script[src*=\"/conversations-embed.js\"], #hubspot-conversations-iframe, #hubspot-conversations-inline-iframe, #hubspot-messages-iframe-container"}/*end facts*/;
  if (globalThis.hubspotDiscovery) return; // this world's global: injected twice (registered, then swept)
  globalThis.hubspotDiscovery = true;
  let observer = null;
  const tell = () => {
    observer?.disconnect();
    chrome.runtime.sendMessage(FACTS.hubspotSeen).catch(() => {});
  };
  if (document.querySelector(FACTS.selector)) {
    tell();
    return;
  }
  const isHubSpot = (node) => node.nodeType === 1 && (node.matches(FACTS.selector) || node.querySelector(FACTS.selector) !== null);
  observer = new MutationObserver((records) => {
    if (records.some((record) => Array.prototype.some.call(record.addedNodes, isHubSpot))) tell();
  });
  for (const parent of [document.head, document.body]) if (parent) observer.observe(parent, { childList: true });
})();
