// Events as text: one line per event for the CLI and reports, and as JSON-safe objects (64-bit
// values as hex strings). Text from the file (console, trace text) is quoted, never interpreted.

import { hex64, type MachineEvent } from '../../emulator/machine/events.ts';
import { TRACE_TYPE_NAMES } from './derive.ts';

export type Symbolize = (addr: bigint) => string | null;

/** Page-fault error code bits (SDM 4.7, Figure 4-12). */
function pageFaultBits(code: number): string {
  const bits = [code & 1 ? 'P' : 'NP', code & 2 ? 'W' : 'R', code & 4 ? 'U' : 'S'];
  if (code & 8) bits.push('RSVD');
  if (code & 16) bits.push('I');
  return bits.join(' ');
}

function at(addr: bigint, symbolize?: Symbolize): string {
  const name = symbolize?.(addr);
  return name ? `${hex64(addr)} <${name}>` : hex64(addr);
}

/** The part of an event line after its header. */
export function describeEvent(e: MachineEvent, symbolize?: Symbolize): string {
  switch (e.kind) {
    case 'priv-switch':
      return `CPL ${e.fromCpl} -> ${e.toCpl} by ${e.cause}${e.vector ? ` (vector ${e.vector})` : ''}: ${at(e.ripBefore, symbolize)} -> ${at(e.ripAfter, symbolize)}`;
    case 'exception': {
      const err = e.errorCode === null ? '' : ` error ${'0x' + e.errorCode.toString(16)}${e.vector === 14 ? ` [${pageFaultBits(e.errorCode)}]` : ''}`;
      const cr2 = e.vector === 14 ? ` cr2 ${hex64(e.cr2)}` : '';
      const nested = e.previousVector !== null ? ` while delivering vector ${e.previousVector}` : '';
      const handler = e.delivered ? `, handler on stack ${e.stack}` : ', never reached its handler';
      return `${e.mnemonic} (vector ${e.vector}) at ${at(e.rip, symbolize)} in CPL ${e.cpl}${err}${cr2}, depth ${e.depth}${nested}${e.promoted ? ', promoted to #DF' : ''}${handler}`;
    }
    case 'interrupt':
      return `interrupt vector ${e.vector} (${e.source}) at ${at(e.rip, symbolize)} in CPL ${e.cpl}, stack ${e.stack}`;
    case 'iret':
      return `IRET CPL ${e.fromCpl} -> ${e.toCpl} to ${at(e.toRip, symbolize)}`;
    case 'eoi': return `EOI vector ${e.vector}`;
    case 'ipi': return `IPI mode ${e.mode} to ${e.target} vector ${e.vector}${e.shorthand ? ` shorthand ${e.shorthand}` : ''}`;
    case 'halt': return `HLT at ${at(e.rip, symbolize)}`;
    case 'wake': return `wake (vector ${e.vector})`;
    case 'triple-fault': return `TRIPLE FAULT: vector ${e.secondVector} while delivering vector ${e.firstVector}, at ${at(e.rip, symbolize)} in CPL ${e.cpl}`;
    case 'reset': return `reset (${e.cause})`;
    case 'power-off': return 'power off';
    case 'console': return `console ${e.channel} ${JSON.stringify(e.text)}`;
    case 'cpu-start': return `CPU started at ${at(e.rip, symbolize)}`;
    case 'trace': {
      const name = TRACE_TYPE_NAMES[e.type] ?? `TRACE_${e.type}`;
      const args = e.args.map((a) => (a < 4096n ? a.toString() : '0x' + a.toString(16))).join(' ');
      return `${name} ${args}${e.text ? ' ' + JSON.stringify(e.text) : ''}`;
    }
  }
}

export function formatEvent(e: MachineEvent, symbolize?: Symbolize): string {
  return `#${e.seq} t=${e.t} cpu${e.cpu} pid ${e.pid} ${e.kind}: ${describeEvent(e, symbolize)}`;
}

/** The event as plain JSON (bigints as 0x-prefixed 16-digit hex). */
export function eventJson(e: MachineEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'bigint' ? hex64(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'bigint' ? hex64(x) : x)) : v]));
}
