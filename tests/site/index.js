// The shop page's own HubSpot set-up, as a site owner would write it.
window.hsConversationsSettings = {};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
