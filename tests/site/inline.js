// Inline embed: the widget renders inside #chat-here instead of floating.
window.hsConversationsSettings = { inlineEmbedSelector: '#chat-here' };
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
