// The panel's end of the connection: a pipe for JSON text over the runtime.Port "panel". It
// reconnects with backoff (the service worker / event page may stop at any time) and reports
// up/down; it builds no message itself (but `received` after each one it passed on, for the
// background's flow control): the panel resubscribes whenever it is told "up".
// An idle panel gets a message at once. Messages that come within a frame of the last hand-over
// wait for the next frame and go together, so a stream costs the panel one render per frame, not
// one per message. After such a render of several messages that took longer than a frame, the
// panel waits as long again: a flood on a slow machine takes at most half of the panel's thread,
// which it shares with the background's other work and every other panel (a single update is
// never held back by it).
const RECEIVED = '{"v":1,"type":"received"}'; // flow control only: never reaches the hub
// A panel page that paints no frames (another DevTools panel is in front) is still handed its
// messages, this long after the first one waiting; then at the next task until it paints again.
const NO_FRAME_MS = 100;
const FRAME_MS = 16;
const MAX_REST_MS = 100;

// A task after the panel's render (it renders in microtasks). Unlike a timer, a MessageChannel
// task is not throttled in a hidden page.
function afterRender(callback) {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(null);
}

// Before the next frame is painted (`painting` says whether frames come: see PanelPort); in a page
// that paints none (hidden, or no frame lately), the next task: a stream is not held to one update
// per NO_FRAME_MS while nothing is on screen.
function beforeNextFrame(painting, callback) {
  if (document.hidden || !painting.now) {
    if (!document.hidden && !painting.watched) {
      painting.watched = true;
      requestAnimationFrame(() => { painting.now = true; painting.watched = false; });
    }
    return afterRender(callback);
  }
  let done = false;
  const once = (framed) => {
    if (done) return;
    done = true;
    painting.now = framed;
    clearTimeout(timer);
    callback();
  };
  const timer = setTimeout(() => once(false), NO_FRAME_MS);
  requestAnimationFrame(() => once(true));
}

export class PanelPort {
  // Nothing happens until open(), so the caller can keep this object before the first "up".
  constructor(onMessage, onConnection) {
    this.onMessage = onMessage;
    this.onConnection = onConnection;
    this.port = null;
    this.retries = 0;
    this.waiting = []; // [port, message] that came since the last hand-over
    this.scheduled = false; // a hand-over is planned or its render not done yet
    this.restUntil = 0; // performance.now() before which no render starts
    this.lastHandOver = -Infinity; // performance.now() when the last hand-over began
    // Whether the page paints frames: not once a frame was waited for NO_FRAME_MS in vain (a panel
    // tab behind another tab, a DevTools panel behind another panel: not `hidden`, but no frames),
    // again at the next frame (`watched`: a frame is asked for to see that).
    this.painting = { now: true, watched: false };
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
      this.waiting.push([port, message]);
      this.schedule();
    });
    this.port.onDisconnect.addListener(() => this.lost());
    this.onConnection(true);
  }

  schedule() {
    if (this.scheduled || !this.waiting.length) return;
    this.scheduled = true;
    const now = performance.now();
    if (now >= this.restUntil && now - this.lastHandOver > FRAME_MS) return this.passOn();
    const handOver = () => beforeNextFrame(this.painting, () => this.passOn());
    if (this.restUntil > now && !document.hidden) setTimeout(handOver, this.restUntil - now);
    else handOver();
  }

  // Every message waiting, then (handled and rendered) a `received` for each to its port: the
  // background sends more only then (its flow control, see background.js). Those of a port lost
  // meanwhile are dropped: the panel resubscribes on the next port and gets a snapshot.
  passOn() {
    const messages = this.waiting;
    const start = performance.now();
    this.lastHandOver = start;
    this.waiting = [];
    for (const [port, message] of messages) {
      if (port !== this.port || typeof message !== 'string') continue;
      try {
        this.onMessage(message);
      } catch (error) {
        // One update the panel could not take must not hold back the next ones (nor the flow control).
        console.error('[Chat Widget Inspector] an update was not handled:', error);
      }
    }
    afterRender(() => {
      const now = performance.now();
      const took = now - start;
      this.restUntil = took > FRAME_MS && messages.length > 1 ? now + Math.min(took, MAX_REST_MS) : 0;
      for (const [port] of messages) {
        try {
          port.postMessage(RECEIVED);
        } catch {
          // Disconnected meanwhile.
        }
      }
      this.scheduled = false;
      this.schedule();
    });
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
