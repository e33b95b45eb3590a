// Rows of integers gathered column by column, as the row-chunk encoder stores them; appending a
// row allocates nothing but array growth.

export class ColumnBuffer {
  readonly columns: number[][];
  t0 = Infinity;
  t1 = -Infinity;

  constructor(width: number) {
    this.columns = Array.from({ length: width }, () => []);
  }

  get length(): number {
    return this.columns[0]!.length;
  }

  /** Widens the buffer's time range; callers pass each row's start and end. */
  cover(t0: number, t1: number): void {
    if (t0 < this.t0) this.t0 = t0;
    if (t1 > this.t1) this.t1 = t1;
  }
}
