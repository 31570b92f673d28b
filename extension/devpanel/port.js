// The panel's connection to the background: one runtime.Port that reconnects by itself
// (the service worker / event page may be stopped at any time) and re-subscribes, so the
// background replays the tab's log. Messages are JSON text in both directions.
export class PanelPort {
  constructor(tabId, onMessage, onConnection) {
    this.tabId = tabId;
    this.onMessage = onMessage;
    this.onConnection = onConnection;
    this.port = null;
    this.retries = 0;
    this.open();
  }

  open() {
    try {
      this.port = chrome.runtime.connect({ name: 'panel' });
    } catch {
      this.port = null;
      this.onConnection(false);
      this.retry();
      return;
    }
    this.port.onMessage.addListener((message) => {
      this.retries = 0;
      if (typeof message === 'string') this.onMessage(message);
    });
    this.port.onDisconnect.addListener(() => {
      this.port = null;
      this.onConnection(false);
      this.retry();
    });
    this.port.postMessage(JSON.stringify({ v: 1, type: 'subscribe', tab: this.tabId }));
    this.onConnection(true);
  }

  retry() {
    if (!globalThis.chrome?.runtime?.id) return; // the extension was reloaded or removed
    const delay = Math.min(2000, 50 * 2 ** this.retries++);
    setTimeout(() => this.open(), delay);
  }

  send(text) {
    try {
      this.port?.postMessage(text);
    } catch {
      // Disconnected: the reconnect re-subscribes and the snapshot brings the panel up to date.
    }
  }
}
