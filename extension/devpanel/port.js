// The panel's end of the connection: a pipe for JSON text over the runtime.Port "panel". It
// reconnects with backoff (the service worker / event page may stop at any time) and reports
// up/down; it builds no message itself (but `received` after each one it passed on, for the
// background's flow control): the panel resubscribes whenever it is told "up".
const RECEIVED = '{"v":1,"type":"received"}'; // flow control only: never reaches the hub

function afterRender(callback) {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(null);
}

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
    const port = this.port;
    port.onMessage.addListener((message) => {
      this.retries = 0;
      if (typeof message === 'string') this.onMessage(message);
      // Handled and rendered (the panel renders in microtasks; a MessageChannel task comes after
      // them and, unlike a timer, is not throttled in a hidden page): the background sends the
      // next update only then (its flow control, see background.js).
      afterRender(() => {
        try {
          port.postMessage(RECEIVED);
        } catch {
          // Disconnected meanwhile.
        }
      });
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
