// The panel's end of the connection: a pipe for JSON text over the runtime.Port "panel". It
// reconnects with backoff (the service worker / event page may stop at any time) and reports
// up/down; it builds no message itself: the panel resubscribes whenever it is told "up".
export class PanelPort {
  // Nothing happens until open(), so the caller can keep this object before the first "up".
  constructor(onMessage, onConnection) {
    this.onMessage = onMessage;
    this.onConnection = onConnection;
    this.port = null;
    this.retries = 0;
  }

  open() {
    try {
      this.port = chrome.runtime.connect({ name: 'panel' });
    } catch {
      return this.lost();
    }
    this.port.onMessage.addListener((message) => {
      this.retries = 0;
      if (typeof message === 'string') this.onMessage(message);
    });
    this.port.onDisconnect.addListener(() => this.lost());
    this.onConnection(true);
  }

  lost() {
    this.port = null;
    this.onConnection(false);
    if (!globalThis.chrome?.runtime?.id) return; // the extension was reloaded or removed
    setTimeout(() => this.open(), Math.min(2000, 50 * 2 ** this.retries++));
  }

  send(text) {
    try {
      this.port?.postMessage(text);
    } catch {
      // Disconnected: onDisconnect reconnects and the panel resubscribes when told "up".
    }
  }
}
