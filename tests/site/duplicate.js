window.hsConversationsSettings = {};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
