// A wrong type in the settings: the loader throws an Invariant Violation and stops.
// Tests may pass other settings as JSON: invalid-settings.html?settings={"isFullscreen":1}
(function () {
  var settings = { loadImmediately: 'yes' };
  var raw = new URLSearchParams(location.search).get('settings');
  if (raw) {
    try {
      settings = JSON.parse(raw);
    } catch (e) {
      window.pageLog('page: ignoring unparsable ?settings=', raw);
    }
  }
  window.hsConversationsSettings = settings;
  window.hsConversationsOnReady = [window.pageOnReadyCallback()];
})();
