// Simulated HubSpot portal script (stand-in for js.hs-scripts.com/<portalId>.js).
// Generic: the portal id is taken from this script's own file name.
(function () {
  'use strict';
  var LOADER_ID = 'hubspot-messages-loader';
  var self = document.currentScript;
  if (!self || document.getElementById(LOADER_ID)) return;

  var match = /\/(\d+)\.js(?:[?#]|$)/.exec(self.src);
  if (!match) return;

  var loader = document.createElement('script');
  loader.id = LOADER_ID;
  loader.type = 'text/javascript';
  // The bundle comes from HubSpot's host (js.usemessages.com), cross-origin to the page: an error
  // it throws reaches the page's `error` event as "Script error.". Here: the other loopback name.
  var src = new URL('../conversations-embed.js', self.src);
  src.hostname = src.hostname === 'localhost' ? '127.0.0.1' : src.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  loader.src = src.href;
  loader.setAttribute('data-hsjs-portal', match[1]);
  loader.setAttribute('data-hsjs-env', 'prod');
  loader.setAttribute('data-hsjs-hublet', 'na1');
  (document.head || document.documentElement).appendChild(loader);
})();
