// The machine's event stream (DESIGN.md section 4), in the compact binary form it is produced in.
//
// Every event is one fixed-size record of RECORD_WORDS 32-bit words, appended to a batch:
//   w0      kind (bits 0-7) | cpu (bits 8-15) | flags (bits 16-31, meaning per kind)
//   w1      pid of the task current on that CPU (-1 when not known yet)
//   w2-w3   virtual time in ticks, a float64 (exact below 2^53)
//   w4-w19  eight 64-bit arguments a0..a7, each as (low word, high word)
// Text (console output, trace-record text) lives beside the records in the batch's `texts`
// and is referred to by index (records with equal texts in one batch share an entry). Batches
// are plain typed arrays so they cross threads and processes as transferable buffers, and the
// recorder stores them without decoding.
// The sequence number of an event is its position in the machine's stream.

export const RECORD_WORDS = 20;
export const BATCH_EVENTS = 4096;

export const enum EventKind {
  PrivSwitch = 1,
  Exception = 2,
  Interrupt = 3,
  Iret = 4,
  Eoi = 5,
  Ipi = 6,
  Halt = 7,
  Wake = 8,
  TripleFault = 9,
  Reset = 10,
  PowerOff = 11,
  Console = 12,
  Trace = 13,
  CpuStart = 14,
}

export const EVENT_KIND_NAMES: Record<number, string> = {
  1: 'priv-switch', 2: 'exception', 3: 'interrupt', 4: 'iret', 5: 'eoi', 6: 'ipi', 7: 'halt',
  8: 'wake', 9: 'triple-fault', 10: 'reset', 11: 'power-off', 12: 'console', 13: 'trace',
  14: 'cpu-start',
};

/** Why the CPL (or the stack) changed: the cause field of a privilege switch. */
export const enum SwitchCause {
  Syscall = 0,
  Sysret = 1,
  Interrupt = 2,
  Exception = 3,
  Iret = 4,
}
export const SWITCH_CAUSE_NAMES = ['syscall', 'sysret', 'interrupt', 'exception', 'iret'] as const;

/** Which stack the CPU used to deliver an exception or interrupt (SDM 6.14.4-6.14.5). */
export const enum StackUsed {
  Current = 0,
  Rsp0 = 1,
  // Ist1..Ist7 = 1 + n
}

/** Source of an interrupt event. */
export const enum InterruptSource {
  Timer = 0,
  Ipi = 1,
  Nmi = 2,
  Software = 3, // INT n, INT3
  External = 4,
}
export const INTERRUPT_SOURCE_NAMES = ['timer', 'ipi', 'nmi', 'software', 'external'] as const;

export const enum ResetCause {
  TripleFault = 0,
  ResetPort = 1,
}

/** A batch of events as the machine hands it to its observer. */
export interface EventBatch {
  /** Sequence number of the first record. */
  firstSeq: number;
  count: number;
  /** count * RECORD_WORDS words; `t` is read through a Float64Array view of the same buffer. */
  words: Uint32Array;
  texts: string[];
}

export interface EventObserver {
  onBatch(batch: EventBatch): void;
}

/**
 * Appends records for one machine. Emitting is a handful of typed-array stores; a full batch is
 * handed to the observer and a fresh one started. With no observer the machine holds no log at
 * all, so the hot path only pays a null check.
 */
export class EventLog {
  words: Uint32Array;
  private f64: Float64Array;
  private texts: string[] = [];
  count = 0;
  nextSeq = 0;

  constructor(private readonly observer: EventObserver) {
    this.words = new Uint32Array(BATCH_EVENTS * RECORD_WORDS);
    this.f64 = new Float64Array(this.words.buffer);
  }

  /** Starts a record and returns the index of its first word; the caller fills the arguments. */
  begin(kind: EventKind, cpu: number, flags: number, pid: number, t: number): number {
    if (this.count === BATCH_EVENTS) this.flush();
    const w = this.count * RECORD_WORDS;
    const words = this.words;
    words[w] = kind | (cpu << 8) | (flags << 16);
    words[w + 1] = pid;
    this.f64[(w + 2) >> 1] = t;
    for (let i = 4; i < RECORD_WORDS; i++) words[i + w] = 0;
    this.count++;
    return w;
  }

  /** Where each text of the current batch is in `texts`: a text repeated is stored once. */
  private textIndex = new Map<string, number>();

  /**
   * Stores text for the current batch and returns its index (kept in an argument word). Kernels
   * name the same locks and system calls over and over: equal texts share one entry.
   */
  text(s: string): number {
    let i = this.textIndex.get(s);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(s);
      this.textIndex.set(s, i);
    }
    return i;
  }

  /**
   * Hands the batch to the observer, which may keep its buffer (or transfer it to another thread).
   * A full batch hands over the buffer itself; a partial one (a run or a snapshot ends it) a copy
   * of the part in use, so the buffer is kept for the next batch: runs in short slices would
   * otherwise allocate a whole batch buffer per slice.
   */
  flush(): void {
    if (this.count === 0) return;
    const used = this.count * RECORD_WORDS;
    const full = this.count === BATCH_EVENTS;
    const batch: EventBatch = {
      firstSeq: this.nextSeq,
      count: this.count,
      words: full ? this.words.subarray(0, used) : this.words.slice(0, used),
      texts: this.texts,
    };
    this.nextSeq += this.count;
    if (full) {
      this.words = new Uint32Array(BATCH_EVENTS * RECORD_WORDS);
      this.f64 = new Float64Array(this.words.buffer);
    }
    this.texts = [];
    this.textIndex = new Map();
    this.count = 0;
    this.observer.onBatch(batch);
  }
}

// ---- Decoding (off the hot path: tests, the recorder's derived data, the CLI) ----

/** A 64-bit argument as an unsigned bigint. */
export function argU64(words: Uint32Array, w: number, n: number): bigint {
  const lo = words[w + 4 + 2 * n]!;
  const hi = words[w + 5 + 2 * n]!;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A 64-bit argument as a number; exact for canonical addresses read as signed, and small values. */
export function argNum(words: Uint32Array, w: number, n: number): number {
  const lo = words[w + 4 + 2 * n]!;
  const hi = words[w + 5 + 2 * n]! | 0;
  return hi * 4294967296 + lo;
}

export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

export interface EventHeader {
  seq: number;
  t: number;
  cpu: number;
  pid: number;
}

export type MachineEvent = EventHeader &
  (
    | { kind: 'priv-switch'; fromCpl: number; toCpl: number; cause: (typeof SWITCH_CAUSE_NAMES)[number];
        vector: number; ripBefore: bigint; rspBefore: bigint; ripAfter: bigint; rspAfter: bigint }
    | { kind: 'exception'; vector: number; mnemonic: string; errorCode: number | null; cr2: bigint;
        rip: bigint; rsp: bigint; cpl: number; depth: number; promoted: boolean; duringDelivery: boolean; delivered: boolean;
        previousVector: number | null; stack: string; handlerRsp: bigint }
    | { kind: 'interrupt'; vector: number; source: (typeof INTERRUPT_SOURCE_NAMES)[number]; cpl: number;
        rip: bigint; rsp: bigint; handlerRsp: bigint; stack: string }
    | { kind: 'iret'; fromCpl: number; toCpl: number; fromRip: bigint; toRip: bigint; toRsp: bigint }
    | { kind: 'eoi'; vector: number }
    | { kind: 'ipi'; mode: number; target: number; vector: number; shorthand: number }
    | { kind: 'halt'; rip: bigint }
    | { kind: 'wake'; vector: number }
    | { kind: 'triple-fault'; firstVector: number; secondVector: number; rip: bigint; cpl: number }
    | { kind: 'reset'; cause: 'triple-fault' | 'reset-port' }
    | { kind: 'power-off' }
    | { kind: 'console'; channel: 'uart' | 'debugcon'; text: string }
    | { kind: 'trace'; type: number; args: bigint[]; text: string }
    | { kind: 'cpu-start'; rip: bigint; rsp: bigint }
  );

export const EXCEPTION_MNEMONICS: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  9: 'CSO', 10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC',
  18: '#MC', 19: '#XM', 20: '#VE', 21: '#CP',
};

export function stackName(stack: number): string {
  return stack === 0 ? 'current' : stack === 1 ? 'rsp0' : `ist${stack - 1}`;
}

/** Decodes record `i` of a batch into a plain object. */
export function decodeEvent(batch: EventBatch, i: number): MachineEvent {
  const words = batch.words;
  const w = i * RECORD_WORDS;
  const w0 = words[w]!;
  const kind = w0 & 0xff;
  const flags = w0 >>> 16;
  const f64 = new Float64Array(words.buffer, words.byteOffset + (w + 2) * 4, 1);
  const head: EventHeader = { seq: batch.firstSeq + i, t: f64[0]!, cpu: (w0 >>> 8) & 0xff, pid: words[w + 1]! | 0 };
  const a = (n: number) => argU64(words, w, n);
  const lo = (n: number) => words[w + 4 + 2 * n]!;
  switch (kind) {
    case EventKind.PrivSwitch:
      return { ...head, kind: 'priv-switch', fromCpl: flags & 3, toCpl: (flags >> 2) & 3,
        cause: SWITCH_CAUSE_NAMES[(flags >> 4) & 7] ?? 'syscall', vector: flags >> 8,
        ripBefore: a(0), rspBefore: a(1), ripAfter: a(2), rspAfter: a(3) };
    case EventKind.Exception: {
      const vector = flags & 0xff;
      const info = lo(5);
      const prev = (info >>> 16) & 0xff;
      return { ...head, kind: 'exception', vector, mnemonic: EXCEPTION_MNEMONICS[vector] ?? `#${vector}`,
        errorCode: flags & 0x100 ? lo(0) : null, cr2: a(1), rip: a(2), rsp: a(3), handlerRsp: a(4),
        promoted: (flags & 0x200) !== 0, duringDelivery: (flags & 0x400) !== 0, cpl: (flags >> 11) & 3,
        delivered: (flags & 0x2000) !== 0,
        depth: info & 0xff, stack: stackName((info >>> 8) & 0xff), previousVector: prev === 0xff ? null : prev };
    }
    case EventKind.Interrupt:
      return { ...head, kind: 'interrupt', vector: flags & 0xff,
        source: INTERRUPT_SOURCE_NAMES[(flags >> 8) & 7] ?? 'external', cpl: (flags >> 12) & 3,
        rip: a(0), rsp: a(1), handlerRsp: a(2), stack: stackName(lo(3)) };
    case EventKind.Iret:
      return { ...head, kind: 'iret', fromCpl: flags & 3, toCpl: (flags >> 2) & 3, fromRip: a(0), toRip: a(1), toRsp: a(2) };
    case EventKind.Eoi:
      return { ...head, kind: 'eoi', vector: flags & 0xff };
    case EventKind.Ipi:
      return { ...head, kind: 'ipi', mode: flags & 7, target: lo(0), vector: lo(1), shorthand: lo(2) };
    case EventKind.Halt:
      return { ...head, kind: 'halt', rip: a(0) };
    case EventKind.Wake:
      return { ...head, kind: 'wake', vector: flags & 0xff };
    case EventKind.TripleFault:
      return { ...head, kind: 'triple-fault', firstVector: lo(0), secondVector: lo(1), rip: a(2), cpl: flags & 3 };
    case EventKind.Reset:
      return { ...head, kind: 'reset', cause: flags === 0 ? 'triple-fault' : 'reset-port' };
    case EventKind.PowerOff:
      return { ...head, kind: 'power-off' };
    case EventKind.Console:
      return { ...head, kind: 'console', channel: flags === 0 ? 'uart' : 'debugcon', text: batch.texts[lo(0)] ?? '' };
    case EventKind.Trace: {
      const ti = lo(6) | 0;
      return { ...head, kind: 'trace', type: flags, args: [a(0), a(1), a(2), a(3), a(4), a(5)],
        text: ti >= 0 ? batch.texts[ti] ?? '' : '' };
    }
    case EventKind.CpuStart:
      return { ...head, kind: 'cpu-start', rip: a(0), rsp: a(1) };
    default:
      throw new Error(`unknown event kind ${kind} at seq ${head.seq}`);
  }
}

export function decodeBatch(batch: EventBatch): MachineEvent[] {
  const out: MachineEvent[] = [];
  for (let i = 0; i < batch.count; i++) out.push(decodeEvent(batch, i));
  return out;
}
