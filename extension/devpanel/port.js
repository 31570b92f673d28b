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
// messages, this long after the first one waiting; then at the next task until it paints again
// (PanelPort.painting).
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
    // tab behind another tab, a DevTools panel behind another panel: not `hidden`, yet no frames,
    // or one now and then), again once two frames came less than 2 × NO_FRAME_MS apart.
    this.framesLost = false;
    this.frameTimes = [-Infinity, -Infinity]; // the last two frames seen
    this.frameAsked = false; // a frame is asked for, to see whether frames come again
  }

  painting() {
    return !document.hidden && !this.framesLost;
  }

  frameSeen(time) {
    if (time === this.frameTimes[1]) return; // the same frame
    this.frameTimes = [this.frameTimes[1], time];
    if (time - this.frameTimes[0] < 2 * NO_FRAME_MS) this.framesLost = false;
  }

  // One frame asked for at a time; after it another while a stream goes on, so that two frames
  // close together are seen when the page paints again.
  askForFrame() {
    if (document.hidden || this.frameAsked) return;
    this.frameAsked = true;
    requestAnimationFrame((time) => {
      this.frameAsked = false;
      this.frameSeen(time);
      if (this.framesLost && performance.now() - this.lastHandOver < 1000) this.askForFrame();
    });
  }

  // Before the next frame is painted; in a page that paints none, the next task: a stream is not
  // held to one update per NO_FRAME_MS (or per second: timers are throttled there) while nothing
  // is on screen.
  beforeNextFrame(callback) {
    if (!this.painting()) {
      this.askForFrame();
      return afterRender(callback);
    }
    let done = false;
    const once = (framed) => {
      if (done) return;
      done = true;
      if (!framed) this.framesLost = true;
      clearTimeout(timer);
      callback();
    };
    const timer = setTimeout(() => once(false), NO_FRAME_MS);
    requestAnimationFrame((time) => {
      this.frameSeen(time);
      once(true);
    });
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
    const handOver = () => this.beforeNextFrame(() => this.passOn());
    if (this.restUntil > now && this.painting()) setTimeout(handOver, this.restUntil - now);
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
