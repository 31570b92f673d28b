// Visitor identification (https://developers.hubspot.com/docs/api/conversation/visitor-identification):
// the site's backend issued a token for this visitor. The token must never leave the page.
window.hsConversationsSettings = {
  identificationEmail: 'visitor@example.test',
  identificationToken: 'eyJhbGciOiJIUzI1NiJ9.SIMULATED-SECRET-TOKEN.c2lnbmF0dXJl',
};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
