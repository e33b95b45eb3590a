// Level-of-detail summaries of span tracks (Perfetto's "mipmap"): for each track and each
// power-of-two bucket size, what one pixel column needs — the state covering most of the bucket
// and the set of states present in it — with runs of identical buckets merged into one row.
// A query at a resolution of r ticks per pixel reads the level whose bucket is just under r, so
// it returns O(pixels) rows whatever the range, and a 200-tick page fault in a 1 ms bucket still
// shows up in `present`. Each level is built from the runs of the level below (spans feed only the
// finest), so a span costs O(1) however many levels there are; `present` stays exact, and the
// dominant state of a coarse bucket is the one dominating most of its finer buckets.

/** The finest summary level: buckets of 2^10 ticks. Below it, raw spans are few enough per pixel. */
export const MIN_LEVEL = 10;
/** The coarsest: 2^40 ticks (about 18 virtual minutes) covers any run we record. */
export const MAX_LEVEL = 40;
/** Levels step by a factor of 4, so a query reads at most 4x the rows of its pixel columns. */
const LEVEL_STEP = 2;
export const LEVELS: readonly number[] = Array.from({ length: (MAX_LEVEL - MIN_LEVEL) / LEVEL_STEP + 1 }, (_, i) => MIN_LEVEL + i * LEVEL_STEP);

/** Receives one merged run of buckets: [t0, t1) at `level`, its dominant state and states present. */
export type SummaryEmit = (track: number, level: number, t0: number, t1: number, state: number, present: number, count: number) => void;

function stateBit(state: number): number {
  return state >= 0 && state < 31 ? 1 << state : 0;
}

/** Distinct states a bucket tracks exactly; beyond that the rest share the last slot. */
const MAX_BUCKET_STATES = 16;

/** One level of one track: accumulates the current bucket, merges equal buckets into runs. */
class LevelSummary {
  private readonly size: number;
  private bucket = -1;
  // Coverage of the current bucket per state, as parallel arrays: a bucket sees a handful of states.
  private readonly states = new Float64Array(MAX_BUCKET_STATES);
  private readonly covers = new Float64Array(MAX_BUCKET_STATES);
  private nstates = 0;
  private present = 0;
  private count = 0;
  private hasRun = false;
  private runT0 = 0;
  private runT1 = 0;
  private runState = 0;
  private runPresent = 0;
  private runCount = 0;

  constructor(private readonly track: number, private readonly level: number, private readonly emit: SummaryEmit) {
    this.size = 2 ** level;
  }

  /** Adds [s, e) in `state`, with the states `present` inside it (just `state` for a span). */
  add(s: number, e: number, state: number, present: number, count: number): void {
    const size = this.size;
    while (s < e) {
      const b = Math.floor(s / size);
      if (b !== this.bucket) { this.closeBucket(); this.bucket = b; }
      const bucketStart = b * size;
      const bucketEnd = bucketStart + size;
      if (s === bucketStart && e >= bucketEnd && this.nstates === 0) {
        // The span covers whole buckets: one run, however many buckets it spans.
        const n = Math.floor((e - s) / size);
        this.push(bucketStart, n, state, present, count);
        s += n * size;
        this.bucket = -1;
        continue;
      }
      const seg = Math.min(e, bucketEnd) - s;
      let k = 0;
      while (k < this.nstates && this.states[k] !== state) k++;
      if (k === this.nstates) {
        if (k === MAX_BUCKET_STATES) k--;
        else { this.nstates++; this.states[k] = state; this.covers[k] = 0; }
      }
      this.covers[k] += seg;
      this.present |= present;
      this.count += count;
      s += seg;
    }
  }

  private closeBucket(): void {
    if (this.bucket < 0 || this.nstates === 0) return;
    let best = -1;
    let bestCover = -1;
    for (let k = 0; k < this.nstates; k++) {
      const state = this.states[k]!;
      const cover = this.covers[k]!;
      if (cover > bestCover || (cover === bestCover && state > best)) { best = state; bestCover = cover; }
    }
    this.push(this.bucket * this.size, 1, best, this.present, this.count);
    this.nstates = 0;
    this.present = 0;
    this.count = 0;
  }

  private push(t0: number, buckets: number, state: number, present: number, count: number): void {
    const t1 = t0 + buckets * this.size;
    if (this.hasRun && this.runT1 === t0 && this.runState === state && this.runPresent === present) {
      this.runT1 = t1;
      this.runCount += count;
      return;
    }
    this.emitRun();
    this.hasRun = true;
    this.runT0 = t0;
    this.runT1 = t1;
    this.runState = state;
    this.runPresent = present;
    this.runCount = count;
  }

  private emitRun(): void {
    if (this.hasRun) this.emit(this.track, this.level, this.runT0, this.runT1, this.runState, this.runPresent, this.runCount);
    this.hasRun = false;
  }

  /** The run not yet emitted and the bucket not yet closed, as they stand. */
  provisional(emit: SummaryEmit): void {
    if (this.hasRun) emit(this.track, this.level, this.runT0, this.runT1, this.runState, this.runPresent, this.runCount);
    if (this.bucket < 0 || this.nstates === 0) return;
    let best = -1;
    let bestCover = -1;
    for (let k = 0; k < this.nstates; k++) {
      if (this.covers[k]! > bestCover) { best = this.states[k]!; bestCover = this.covers[k]!; }
    }
    emit(this.track, this.level, this.bucket * this.size, (this.bucket + 1) * this.size, best, this.present, this.count);
  }

  finish(): void {
    this.closeBucket();
    this.bucket = -1;
    this.emitRun();
  }
}

/** The summaries of one track at every level; spans must be added in time order. */
export class TrackSummary {
  private readonly levels: LevelSummary[] = [];

  constructor(track: number, emit: SummaryEmit) {
    // Built coarsest first, so each level can hand its runs to the next coarser one.
    for (let i = LEVELS.length - 1; i >= 0; i--) {
      const coarser = this.levels[0];
      this.levels.unshift(new LevelSummary(track, LEVELS[i]!, (tr, level, t0, t1, state, present, count) => {
        emit(tr, level, t0, t1, state, present, count);
        coarser?.add(t0, t1, state, present, count);
      }));
    }
  }

  add(t0: number, t1: number, state: number): void {
    this.levels[0]!.add(t0, t1, state, stateBit(state), 1);
  }

  /** Every level's unfinished rows (a file cut short shows them). */
  provisional(emit: SummaryEmit): void {
    for (const level of this.levels) level.provisional(emit);
  }

  /** Finest first: each level's last run still has to reach the coarser ones. */
  finish(): void {
    for (const level of this.levels) level.finish();
  }
}

/** The level a query at `ticksPerPixel` reads, or null when raw spans are the right answer. */
export function levelFor(ticksPerPixel: number): number | null {
  if (!(ticksPerPixel >= 2 ** MIN_LEVEL)) return null;
  const l = Math.min(MAX_LEVEL, Math.floor(Math.log2(ticksPerPixel)));
  return l - ((l - MIN_LEVEL) % LEVEL_STEP);
}
