// window.hsConversationsSettings assigned too late: by the page's onReady callback, i.e. after the
// loader merged the settings (it used its defaults). The new value has no effect on the widget.
window.hsConversationsOnReady = [function () {
  window.pageOnReadyCallback()();
  if (window.hsConversationsSettings) return; // only once (onReady runs again after a reset)
  window.hsConversationsSettings = { loadImmediately: true, isFullscreen: true };
  window.pageLog('page assigned hsConversationsSettings after the loader read it');
}];
