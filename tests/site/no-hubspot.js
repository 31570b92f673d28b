// A page with postMessage traffic of its own and no HubSpot at all.
(function () {
  var host = location.hostname === 'localhost' ? '127.0.0.1' : location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  var frameOrigin = location.protocol + '//' + host + (location.port ? ':' + location.port : '');
  var frame = document.getElementById('payment-frame');
  var received = 0;
  window.noHubspotMessages = [];

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow && event.source !== window) return;
    received++;
    window.noHubspotMessages.push(typeof event.data === 'string' ? event.data : JSON.stringify(event.data));
    document.getElementById('received').textContent = 'Messages received: ' + received;
  });

  frame.src = frameOrigin + '/own-frame.html';
  frame.addEventListener('load', function () {
    window.postMessage({ type: 'page-self-message', step: 'frame loaded' }, location.origin);
  });
  document.getElementById('ping').addEventListener('click', function () {
    frame.contentWindow.postMessage(JSON.stringify({ type: 'ping' }), frameOrigin);
  });
})();
