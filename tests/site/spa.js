// Single-page app: pushState routes, widget.refresh() on every route change.
window.hsConversationsSettings = {};
window.hsConversationsOnReady = [window.pageOnReadyCallback()];

(function () {
  var TEXT = {
    home: 'Welcome to the help center. Pick a topic above.',
    shipping: 'We ship within 2 working days, free above €50.',
    returns: 'Return anything within 30 days, no questions asked.',
    legal: 'Terms and conditions. No chat on this page.',
  };

  function currentRoute() {
    return new URLSearchParams(location.search).get('route') || 'home';
  }

  function show() {
    var route = currentRoute();
    var view = document.getElementById('view');
    if (view) view.textContent = TEXT[route] || 'Unknown page.';
  }

  function go(route, chat) {
    var url = '?route=' + encodeURIComponent(route) + (chat ? '&chat=' + encodeURIComponent(chat) : '');
    history.pushState({ route: route }, '', url);
    window.pageLog('page route', route);
    show();
    if (window.HubSpotConversations) window.HubSpotConversations.widget.refresh();
  }

  window.spaGo = go;
  window.addEventListener('popstate', function () {
    show();
    if (window.HubSpotConversations) window.HubSpotConversations.widget.refresh();
  });
  document.addEventListener('DOMContentLoaded', function () {
    show();
    document.querySelectorAll('#routes button').forEach(function (b) {
      b.addEventListener('click', function () { go(b.dataset.route, b.dataset.chat); });
    });
  });
})();
