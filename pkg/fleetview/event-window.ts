/**
 * The last `capacity` events of a stream numbered 1, 2, 3, …, kept for watches that resume: a watch from position
 * `seq` gets every event after it, or nothing when some of those have already left the window.
 */
export class EventWindow<E extends { readonly seq: number }> {
  private readonly ring: E[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  push(event: E): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(event);
      return;
    }
    this.ring[this.start] = event;
    this.start = (this.start + 1) % this.ring.length;
  }

  /** The oldest position a watch may resume after (given the stream's last event number). */
  oldestResumable(last: number): number {
    return this.ring.length === 0 ? last : this.ring[this.start]!.seq - 1;
  }

  /**
   * The events after `seq`, in order, when the window holds all of them; undefined when it does not, or when `seq` is
   * past `last` (the number of the stream's last event).
   */
  after(seq: number, last: number): E[] | undefined {
    if (seq > last || seq < this.oldestResumable(last)) return undefined;
    const out: E[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const e = this.ring[(this.start + i) % this.ring.length]!;
      if (e.seq > seq) out.push(e);
    }
    return out;
  }
}
