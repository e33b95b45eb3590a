// Rows of numbers gathered column by column, as the row-chunk encoder stores them: one
// Float64Array per column, grown by doubling, so a row costs a few stores and no garbage.

export class ColumnBuffer {
  /** The columns, `length` rows filled; replaced when they grow, so read it after add(). */
  columns: Float64Array[];
  length = 0;
  t0 = Infinity;
  t1 = -Infinity;

  constructor(width: number, capacity = 256) {
    this.columns = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  /** Makes room for one more row and returns its index; the caller stores its values. */
  add(): number {
    const n = this.length;
    if (n === this.columns[0]!.length) {
      this.columns = this.columns.map((c) => {
        const grown = new Float64Array(c.length * 2);
        grown.set(c);
        return grown;
      });
    }
    this.length = n + 1;
    return n;
  }

  /** Empties the buffer, keeping its room for the next rows. */
  clear(): void {
    this.length = 0;
    this.t0 = Infinity;
    this.t1 = -Infinity;
  }

  /** The filled part of each column. */
  filled(): Float64Array[] {
    return this.columns.map((c) => c.subarray(0, this.length));
  }

  /** Widens the buffer's time range; callers pass each row's start and end. */
  cover(t0: number, t1: number): void {
    if (t0 < this.t0) this.t0 = t0;
    if (t1 > this.t1) this.t1 = t1;
  }
}
