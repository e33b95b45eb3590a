// Which events the timeline marks, in which family, and which ones each "jump to" key visits.
// Classified from the record's first word alone (kind, and the trace type kept in its flags), so
// scanning millions of records to find the next fault allocates nothing.

import { EventKind, type MachineEvent } from '../../emulator/machine/events.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { Mark, type JumpTarget } from '../../preload/api.ts';

const NONE = -1;

const TRACE_MARKS: Record<number, Mark> = {
  [TraceType.SYSCALL_ENTER]: Mark.Syscall,
  [TraceType.SYSCALL_EXIT]: Mark.Sysret,
  [TraceType.TASK_CREATE]: Mark.Other,
  [TraceType.TASK_EXIT]: Mark.Other,
  [TraceType.SIGNAL_GENERATE]: Mark.Signal,
  [TraceType.SIGNAL_DELIVER]: Mark.Signal,
  [TraceType.SIGNAL_FORCE]: Mark.Signal,
  [TraceType.LOCK_ACQUIRE]: Mark.Lock,
  [TraceType.LOCK_CONTENDED]: Mark.Lock,
  [TraceType.LOCK_ACQUIRED]: Mark.Lock,
  [TraceType.LOCK_RELEASE]: Mark.Lock,
  [TraceType.LOCKDEP]: Mark.Oops,
  [TraceType.SPINLOCK_RECURSION]: Mark.Oops,
  [TraceType.OOPS]: Mark.Oops,
  [TraceType.PANIC]: Mark.Panic,
  [TraceType.WATCHDOG]: Mark.Oops,
  [TraceType.FIXUP]: Mark.Other,
  [TraceType.STACK_PROTECTOR]: Mark.Oops,
  [TraceType.DOUBLE_FAULT]: Mark.Oops,
  [TraceType.CRASHLAB]: Mark.Other,
  [TraceType.MARK]: Mark.Other,
};

/**
 * The marker family of a record, or -1 for records the lanes already show (privilege switches,
 * IRET, halt and wake are band edges; console text has its own panel; EOI and context switches
 * would only add noise: the task strip shows the switch).
 */
export function markOfWord(w0: number): number {
  const flags = w0 >>> 16;
  switch (w0 & 0xff) {
    case EventKind.Exception: return Mark.Fault;
    case EventKind.Interrupt: return Mark.Interrupt;
    case EventKind.Ipi: return Mark.Interrupt;
    case EventKind.TripleFault: return Mark.TripleFault;
    case EventKind.Reset: return Mark.Reset;
    case EventKind.PowerOff: return Mark.Reset;
    case EventKind.CpuStart: return Mark.Other;
    case EventKind.Trace: return TRACE_MARKS[flags] ?? NONE;
    default: return NONE;
  }
}

const LOCK_TRACES = new Set<number>([
  TraceType.LOCK_ACQUIRE, TraceType.LOCK_CONTENDED, TraceType.LOCK_ACQUIRED, TraceType.LOCK_RELEASE,
  TraceType.LOCKDEP, TraceType.SPINLOCK_RECURSION,
]);
const PANIC_TRACES = new Set<number>([
  TraceType.PANIC, TraceType.OOPS, TraceType.STACK_PROTECTOR, TraceType.WATCHDOG, TraceType.LOCKDEP,
  TraceType.SPINLOCK_RECURSION, TraceType.DOUBLE_FAULT,
]);

/** Whether the record is a stop of the given "jump to" key. */
export function matchesJump(target: JumpTarget, w0: number): boolean {
  const kind = w0 & 0xff;
  const flags = w0 >>> 16;
  switch (target) {
    case 'event': return kind === EventKind.PrivSwitch || markOfWord(w0) !== NONE;
    case 'fault': return kind === EventKind.Exception || kind === EventKind.TripleFault;
    case 'privilege': return kind === EventKind.PrivSwitch;
    case 'lock': return kind === EventKind.Trace && LOCK_TRACES.has(flags);
    case 'panic': return kind === EventKind.TripleFault || (kind === EventKind.Trace && PANIC_TRACES.has(flags));
  }
}

/** Kind bits (1 << kind) a chunk must contain to hold a stop of `target`: lets a scan skip chunks. */
export function jumpKindMask(target: JumpTarget): number {
  const bit = (k: number) => 1 << k;
  switch (target) {
    case 'event': return ~0;
    case 'fault': return bit(EventKind.Exception) | bit(EventKind.TripleFault);
    case 'privilege': return bit(EventKind.PrivSwitch);
    case 'lock': return bit(EventKind.Trace);
    case 'panic': return bit(EventKind.TripleFault) | bit(EventKind.Trace);
  }
}

const KIND_CODE: Record<MachineEvent['kind'], number> = {
  'priv-switch': EventKind.PrivSwitch, exception: EventKind.Exception, interrupt: EventKind.Interrupt,
  iret: EventKind.Iret, eoi: EventKind.Eoi, ipi: EventKind.Ipi, halt: EventKind.Halt, wake: EventKind.Wake,
  'triple-fault': EventKind.TripleFault, reset: EventKind.Reset, 'power-off': EventKind.PowerOff,
  console: EventKind.Console, trace: EventKind.Trace, 'cpu-start': EventKind.CpuStart,
};

/** The record's first word (kind | trace type) as far as classification needs it. */
export function firstWordOf(ev: MachineEvent): number {
  return KIND_CODE[ev.kind] | (ev.kind === 'trace' ? ev.type << 16 : 0);
}

/** The marker family of a decoded event, or -1. */
export function markOf(ev: MachineEvent): number {
  return markOfWord(firstWordOf(ev));
}
