// Relay messages wait in one queue per tab and are taken in turn, one tab after the other, so a
// tab that floods the background delays another tab by at most one of its messages. A tab's
// queue over its bound loses its own oldest message, never another tab's.
export class FairQueue {
  constructor(maxPerTab) {
    this.maxPerTab = maxPerTab;
    this.queues = new Map(); // tab -> items, oldest first; Map order = whose turn it is
  }

  /** Queues `item` for `tab`. False when that pushed out the tab's oldest item. */
  push(tab, item) {
    let queue = this.queues.get(tab);
    if (!queue) this.queues.set(tab, (queue = []));
    queue.push(item);
    if (queue.length <= this.maxPerTab) return true;
    queue.shift();
    return false;
  }

  /** The oldest item of the tab whose turn it is (that tab then goes last), or undefined. */
  take() {
    const next = this.queues.entries().next();
    if (next.done) return undefined;
    const [tab, queue] = next.value;
    this.queues.delete(tab);
    const item = queue.shift();
    if (queue.length) this.queues.set(tab, queue);
    return item;
  }
}
