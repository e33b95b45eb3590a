import { describe, expect, it } from 'vitest';
import { EventKind } from '../../emulator/machine/events.ts';
import { TraceType } from '../../emulator/machine/trace_format.ts';
import { Mark } from '../../preload/api.ts';
import { jumpKindMask, markOfWord, matchesJump } from './event_marks.ts';

const trace = (type: number) => EventKind.Trace | (type << 16);

describe('marker families and jump stops', () => {
  it('marks faults, signals, panics and machine-wide events; not band edges', () => {
    expect(markOfWord(EventKind.Exception | (14 << 16))).toBe(Mark.Fault);
    expect(markOfWord(EventKind.TripleFault)).toBe(Mark.TripleFault);
    expect(markOfWord(trace(TraceType.SIGNAL_GENERATE))).toBe(Mark.Signal);
    expect(markOfWord(trace(TraceType.PANIC))).toBe(Mark.Panic);
    expect(markOfWord(trace(TraceType.SYSCALL_ENTER))).toBe(Mark.Syscall);
    expect(markOfWord(EventKind.PrivSwitch)).toBe(-1);
    expect(markOfWord(EventKind.Console)).toBe(-1);
    expect(markOfWord(trace(TraceType.SWITCH))).toBe(-1);
  });

  it('stops each jump key at its own events', () => {
    expect(matchesJump('fault', EventKind.Exception)).toBe(true);
    expect(matchesJump('fault', trace(TraceType.PANIC))).toBe(false);
    expect(matchesJump('panic', trace(TraceType.STACK_PROTECTOR))).toBe(true);
    expect(matchesJump('panic', EventKind.TripleFault)).toBe(true);
    expect(matchesJump('lock', trace(TraceType.LOCK_CONTENDED))).toBe(true);
    expect(matchesJump('lock', trace(TraceType.SYSCALL_ENTER))).toBe(false);
    expect(matchesJump('privilege', EventKind.PrivSwitch)).toBe(true);
    expect(jumpKindMask('privilege')).toBe(1 << EventKind.PrivSwitch);
  });
});
