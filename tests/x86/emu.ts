// The emulator side of the differential tests: runs a Case on the CPU core over a FlatBus that
// maps the same region as host_runner.c, at CPL 3 like the host process.

import { CodeCache } from '../../emulator/x86/code_cache.ts';
import { BareSystem, Cpu } from '../../emulator/x86/cpu.ts';
import { FlatBus } from '../../emulator/x86/flat_bus.ts';
import { Interpreter, StopReason } from '../../emulator/x86/interpreter.ts';
import { CODE_ADDR, type Case, type Outcome, outsideHash, REGION_ADDR, REGION_SIZE, WIN_ADDR, WIN_SIZE } from './host.ts';

const bus = new FlatBus(REGION_SIZE, REGION_ADDR);
/** The jump back to the runner that host_runner.c places after the code (data to a REP MOVS). */
const EXIT_JUMP = [0xff, 0x24, 0x25, 0x08, 0x02, 0x00, 0x30];

/** Linux signal numbers the host reports, for the vector the emulator raised. */
export function signalFor(vector: number): number {
  switch (vector) {
    case 0: return 8; // #DE -> SIGFPE
    case 6: return 4; // #UD -> SIGILL
    case 12: case 13: case 14: return 11; // #SS, #GP, #PF -> SIGSEGV
    case 17: return 7; // #AC -> SIGBUS
    default: return 5;
  }
}

export function runOnEmulator(c: Case): Outcome {
  bus.bytes.fill(0);
  bus.bytes.set(c.code, CODE_ADDR - REGION_ADDR);
  bus.bytes.set(EXIT_JUMP, CODE_ADDR - REGION_ADDR + c.code.length); // as host_runner.c appends
  bus.bytes.set(c.window, WIN_ADDR - REGION_ADDR);
  const cpu = new Cpu(0, bus, BareSystem);
  bus.cpu = cpu;
  cpu.cpl = 3;
  // Segment bases the host's differ from: only LEA (which ignores them) uses FS/GS overrides.
  cpu.fsBase = 0x7f1234560000; cpu.gsBase = -0x123456789000;
  for (let r = 0; r < 16; r++) cpu.setReg64(r, c.regs[r]!);
  cpu.setRflags(Number(c.rflags));
  cpu.rip = CODE_ADDR;
  const end = CODE_ADDR + c.code.length;
  const cache = new CodeCache();
  bus.attachCodeCache(cache); // self-modifying code must see its stores
  const interp = new Interpreter(cpu, cache);
  let status = 0;
  for (let steps = 0; cpu.rip !== end; steps++) {
    if (steps > 10000) { status = 5; break; }
    if (interp.run(1) === StopReason.Fault) { status = signalFor(cpu.pendingVector); break; }
  }
  const regs: bigint[] = [];
  for (let r = 0; r < 16; r++) regs.push(status ? 0n : cpu.reg64(r));
  const o = WIN_ADDR - REGION_ADDR;
  return {
    status,
    regs,
    rflags: status ? 0n : BigInt(cpu.getRflags() >>> 0),
    window: bus.bytes.slice(o, o + WIN_SIZE),
    outsideHash: outsideHash(bus.bytes),
  };
}
