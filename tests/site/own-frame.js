// The checkout page's own iframe: posts non-HubSpot messages to the page, some of them
// shaped like HubSpot's (an inspector has to tell them apart by their source).
(function () {
  function burst(round) {
    parent.postMessage({ source: 'payments', type: 'resize', height: 200, round: round }, '*');
    parent.postMessage(JSON.stringify({ type: 'resize', height: 200, round: round }), '*');
    parent.postMessage(JSON.stringify({
      type: 'external-api-event',
      data: { eventType: 'conversationStarted', payload: { conversation: { conversationId: 666 } } },
      uuid: 'not-hubspot-' + round,
    }), '*');
    parent.postMessage(JSON.stringify({ type: 'open-change', data: { isOpen: true, isUser: true }, uuid: 'not-hubspot-open-' + round }), '*');
    parent.postMessage('payments:ready', '*');
  }
  var round = 0;
  burst(++round);
  var timer = setInterval(function () {
    burst(++round);
    if (round >= 3) clearInterval(timer);
  }, 500);
  window.addEventListener('message', function (event) {
    if (event.source === parent) burst(++round);
  });
})();
