// Every input to the hub waits in a queue of its source (a tab's relay, a panel port, the
// background's own follow-ups) and the sources take turns, so a tab that floods the background
// delays every other source by at most one of its messages. A source's queue over its bound loses
// its own oldest item, never another source's.
export class FairQueue {
  constructor() {
    this.queues = new Map(); // source -> items, oldest first; Map order = whose turn it is
  }

  /** Queues `item` for `source`. False when that pushed out the source's oldest item. */
  push(source, item, bound = Infinity) {
    let queue = this.queues.get(source);
    if (!queue) this.queues.set(source, (queue = []));
    queue.push(item);
    if (queue.length <= bound) return true;
    queue.shift();
    return false;
  }

  /** The oldest item of the source whose turn it is (that source then goes last), or undefined. */
  take() {
    const next = this.queues.entries().next();
    if (next.done) return undefined;
    const [source, queue] = next.value;
    this.queues.delete(source);
    const item = queue.shift();
    if (queue.length) this.queues.set(source, queue);
    return item;
  }
}
