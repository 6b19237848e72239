/**
 * Counts the occurrences of a marker in a body that arrives in chunks, without keeping the body: a list of 100k Pods
 * is a few hundred MB, more than is worth parsing to count its items. A marker split across two chunks counts once.
 */
export class MarkerCount {
  private readonly marker: Buffer;
  /** The last bytes of the previous chunk, which may hold the start of a marker. */
  private carry = Buffer.alloc(0);
  count = 0;

  constructor(marker: string) {
    if (marker.length === 0) throw new Error('an empty marker');
    this.marker = Buffer.from(marker, 'utf8');
  }

  feed(chunk: Buffer): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let at = data.indexOf(this.marker);
    let end = 0;
    while (at >= 0) {
      this.count++;
      end = at + this.marker.length;
      at = data.indexOf(this.marker, end);
    }
    // Keep what could still begin a marker, but nothing already counted.
    const keep = Math.max(end, data.length - (this.marker.length - 1));
    this.carry = Buffer.from(data.subarray(keep));
  }
}
