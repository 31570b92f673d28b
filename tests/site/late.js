// The embed code is added 800 ms late; onReady is set up front as the docs suggest.
window.hsConversationsSettings = {};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];

setTimeout(function () {
  var s = document.createElement('script');
  s.id = 'hs-script-loader';
  s.async = true;
  s.src = 'hs/hs-scripts/12345.js';
  document.body.appendChild(s);
  var note = document.getElementById('late-status');
  if (note) note.textContent = 'Embed code inserted after 800 ms.';
}, 800);
