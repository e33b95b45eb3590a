// The stack at the playhead: the frames found by following saved RBPs (the kernel is built with
// -fno-omit-frame-pointer: [rbp] is the caller's RBP, [rbp+8] the return address), and the words
// from RSP up with what each one is. With -fstack-protector-strong and
// -mstack-protector-guard=global, a protected function keeps a copy of __stack_chk_guard at
// [rbp-8], between its locals and the saved RBP: a canary that is not the guard was overwritten.

import type { StackFrame, StackSlot } from '../../../preload/inspect_api.ts';
import { hexAddr } from '../session_view.ts';

export interface StackMemory {
  /** The u64 at an address, or null where nothing is mapped. */
  read(addr: bigint): bigint | null;
  symbolize(addr: bigint): string | null;
}

/** A frame found by the walk: its RBP, the address it runs at (or returns to), and its symbol. */
export interface WalkedFrame {
  base: bigint;
  pc: bigint;
  symbol: string | null;
}

const MAX_FRAMES = 32;
/** A frame pointer further than this above the previous one is not a frame of this stack. */
const MAX_FRAME_SIZE = 0x4000n;

/**
 * A return address named by the call before it: a call to a noreturn function can be a
 * function's last instruction, so the address after it is already past the symbol's end.
 */
function returnSymbol(mem: StackMemory, ret: bigint): string | null {
  const s = mem.symbolize(ret - 1n);
  if (s === null) return null;
  const plus = s.lastIndexOf('+0x');
  return plus < 0 ? `${s}+0x1` : `${s.slice(0, plus)}+0x${(BigInt(s.slice(plus + 1)) + 1n).toString(16)}`;
}

export function walkFrames(mem: StackMemory, rip: bigint, rsp: bigint, rbp: bigint): WalkedFrame[] {
  const frames: WalkedFrame[] = [{ base: rbp, pc: rip, symbol: mem.symbolize(rip) }];
  let base = rbp, floor = rsp;
  while (frames.length < MAX_FRAMES && base >= floor && base - floor < MAX_FRAME_SIZE) {
    const saved = mem.read(base), ret = mem.read(base + 8n);
    if (saved === null || ret === null) break;
    const symbol = returnSymbol(mem, ret);
    if (symbol === null) break;
    frames.push({ base: saved, pc: ret, symbol });
    floor = base + 16n;
    base = saved;
  }
  return frames;
}

/**
 * Words from RSP up to the last frame found (at most `limit`), each named: saved RBPs, return
 * addresses, and the canary slot of every frame whose function is `guarded` (or holds the guard).
 */
export function stackSlots(mem: StackMemory, rsp: bigint, frames: WalkedFrame[], guard: bigint | null, smashed: string | null,
  pushed: ReadonlyMap<bigint, string> = new Map(), limit = 192): StackSlot[] {
  const notes = new Map<bigint, Pick<StackSlot, 'note' | 'kind'>>();
  for (const [addr, name] of pushed) notes.set(addr, { note: `exception frame: ${name}, pushed by the CPU`, kind: 'exception-frame' });
  for (let i = 0; i + 1 < frames.length; i++) {
    const f = frames[i]!, caller = frames[i + 1]!;
    notes.set(f.base, { note: `saved RBP of ${caller.symbol?.split('+')[0] ?? 'the caller'}`, kind: 'saved-rbp' });
    notes.set(f.base + 8n, { note: `return address into ${caller.symbol ?? '?'}`, kind: 'return' });
  }
  for (const f of frames) {
    const fn = f.symbol?.split('+')[0] ?? null;
    const slot = f.base - 8n;
    const value = mem.read(slot);
    if (value === null || notes.has(slot)) continue;
    if (guard !== null && value === guard) notes.set(slot, { note: `canary of ${fn} (intact: equals __stack_chk_guard)`, kind: 'canary-intact' });
    else if (fn !== null && fn === smashed) {
      notes.set(slot, { note: `canary of ${fn}: overwritten (should be ${guard === null ? '__stack_chk_guard' : hexAddr(guard)})`, kind: 'canary-overwritten' });
    }
  }
  const pushedTop = [...pushed.keys()].reduce((a, b) => (b + 8n > a ? b + 8n : a), 0n);
  const walkedTop = frames.length > 1 ? frames.at(-1)!.base + 16n : rsp + 8n * BigInt(limit);
  const top = pushedTop > walkedTop ? pushedTop : walkedTop;
  const slots: StackSlot[] = [];
  for (let a = rsp; a < top && slots.length < limit; a += 8n) {
    const value = mem.read(a);
    const n = notes.get(a);
    slots.push({ addr: hexAddr(a), value: value === null ? null : hexAddr(value), note: value === null ? 'not mapped' : (n?.note ?? ''), kind: value === null ? 'unmapped' : (n?.kind ?? 'data') });
    if (value === null) break;
  }
  return slots;
}

export function framesView(frames: WalkedFrame[], line: (pc: bigint) => { file: string; line: number } | null): StackFrame[] {
  return frames.map((f, i) => {
    // A return address is the instruction after the call: its line is the call's at pc - 1.
    const l = line(i === 0 ? f.pc : f.pc - 1n);
    return { base: hexAddr(f.base), pc: hexAddr(f.pc), symbol: f.symbol, file: l?.file ?? null, line: l?.line ?? null };
  });
}
