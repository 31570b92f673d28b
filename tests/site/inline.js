// Inline embed: the widget renders inside #chat-here instead of floating.
// Tests may point it elsewhere: inline.html?selector=%23missing (a target that does not exist).
window.hsConversationsSettings = { inlineEmbedSelector: new URLSearchParams(location.search).get('selector') || '#chat-here' };
window.hsConversationsOnReady = [window.pageOnReadyCallback()];
