// Minimal Chrome DevTools Protocol client over a browser websocket, with flattened sessions.
import WebSocket from 'ws';

export class CDP {
  /** @param {string} wsUrl browser websocket (ws://127.0.0.1:PORT/devtools/browser/...) */
  static async connect(wsUrl) {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return new CDP(ws);
  }
  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.closed = false;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error) p.reject(Object.assign(new Error(`${p.method}: ${msg.error.message}${msg.error.data ? ' ' + msg.error.data : ''}`), { cdp: msg.error }));
        else p.resolve(msg.result);
      } else {
        for (const l of [...this.listeners]) l(msg);
      }
    });
    ws.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error(`CDP socket closed (${p.method})`));
      this.pending.clear();
    });
  }
  /** Send a command; sessionId targets an attached (flattened) session. */
  send(method, params = {}, sessionId = undefined, timeoutMs = 30000) {
    if (this.closed) return Promise.reject(new Error(`CDP socket closed (${method})`));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`CDP ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.ws.send(JSON.stringify(msg));
    });
  }
  /** Listen to events: fn({method, params, sessionId}). Returns an unsubscribe function. */
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  /** Wait for one event matching pred. */
  waitForEvent(pred, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const off = this.on((m) => { if (pred(m)) { off(); clearTimeout(timer); resolve(m); } });
      const timer = setTimeout(() => { off(); reject(new Error('CDP event wait timed out')); }, timeoutMs);
    });
  }
  /** A session-bound view: {send(method, params), id}. */
  session(sessionId) {
    return { id: sessionId, send: (m, p, t) => this.send(m, p, sessionId, t) };
  }
  async attach(targetId) {
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return this.session(sessionId);
  }
  close() { try { this.ws.close(); } catch {} }
}

/** Evaluate an expression in a CDP session and return its value (throws on exceptions). */
export async function evaluateIn(session, expression, { timeoutMs = 30000 } = {}) {
  const r = await session.send('Runtime.evaluate', {
    expression, returnByValue: true, awaitPromise: true, userGesture: true,
  }, timeoutMs);
  if (r.exceptionDetails) {
    const d = r.exceptionDetails;
    const text = d.exception?.description || d.exception?.value || d.text;
    throw new Error(`evaluate failed: ${text}\n  in: ${expression.slice(0, 300)}`);
  }
  return r.result.value;
}
