// Every input to the hub waits in a queue of its source (a tab's relay, a panel port, the
// background's own follow-ups) and the sources take turns, so a tab that floods the background
// delays every other source by at most one of its messages (the relay sends a tab's batches in
// slices of at most 64 KiB). A source's queue over its bound (a number of items, or a size)
// loses its own oldest items, never another source's.
export class FairQueue {
  constructor() {
    this.queues = new Map(); // source -> {items, size}, items oldest first; Map order = whose turn it is
  }

  /**
   * Queues `item` (of `size`, e.g. characters) for `source`, then drops that source's oldest items
   * while it holds more than `bound.items` items or more than `bound.size` in all (the new item
   * itself is kept). Returns how many items were dropped.
   */
  push(source, item, { size = 0, items = Infinity, maxSize = Infinity } = {}) {
    let queue = this.queues.get(source);
    if (!queue) this.queues.set(source, (queue = { items: [], size: 0 }));
    queue.items.push({ item, size });
    queue.size += size;
    let dropped = 0;
    while (queue.items.length > 1 && (queue.items.length > items || queue.size > maxSize)) {
      queue.size -= queue.items.shift().size;
      dropped++;
    }
    return dropped;
  }

  /** Whether `source` has items waiting. */
  has(source) {
    return this.queues.has(source);
  }

  /** The oldest item of the source whose turn it is (that source then goes last), or undefined. */
  take() {
    const next = this.queues.entries().next();
    if (next.done) return undefined;
    const [source, queue] = next.value;
    this.queues.delete(source);
    const { item, size } = queue.items.shift();
    queue.size -= size;
    if (queue.items.length) this.queues.set(source, queue);
    return item;
  }
}
