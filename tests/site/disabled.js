window.disabledHsPopups = ['LIVE_CHAT'];
window.hsConversationsSettings = {};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
