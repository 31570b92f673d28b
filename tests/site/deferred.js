// loadImmediately:false — the chat loads when the visitor asks for it.
window.hsConversationsSettings = { loadImmediately: false };
window.chatRequested = false;
// Subscribe only on the object created by the button's load(): the placeholder shares its emitter
// with that object, so subscribing on both would call the listener twice per event.
window.hsConversationsOnReady = [window.pageOnReadyCallback({ subscribe: function () { return window.chatRequested; } })];

document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('load-chat').addEventListener('click', function () {
    window.chatRequested = true;
    window.pageLog('page load chat clicked');
    window.HubSpotConversations.widget.load();
  });
});
