// The kernel's symbol table, read from the ELF image the recording carries: symbol+offset for
// many addresses without a query each, and an address by name (__stack_chk_guard).

import { parseElf, readSymbols } from '../../../emulator/machine/elf.ts';

interface Sym { addr: bigint; size: bigint; name: string }

export class KernelSymbols {
  private readonly sorted: Sym[];
  private readonly byName = new Map<string, bigint>();

  constructor(elf: Uint8Array | null) {
    const syms = elf === null ? [] : readSymbols(elf, parseElf(elf)).filter((s) => s.name !== '' && (s.type === 1 || s.type === 2 || s.type === 0));
    this.sorted = syms.map((s) => ({ addr: BigInt.asUintN(64, s.value), size: BigInt(s.size), name: s.name })).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
    for (const s of this.sorted) if (!this.byName.has(s.name)) this.byName.set(s.name, s.addr);
  }

  /** "name+0xoff" for an address inside a sized symbol, or null. */
  symbolize(addr: bigint): string | null {
    const a = BigInt.asUintN(64, addr);
    let lo = 0, hi = this.sorted.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.addr <= a) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Several symbols may share an address; the sized one names the code.
    for (let i = found; i >= 0 && i > found - 4; i--) {
      const s = this.sorted[i]!;
      const off = a - s.addr;
      if (s.size > 0n ? off < s.size : off === 0n) return off === 0n ? s.name : `${s.name}+0x${off.toString(16)}`;
    }
    return null;
  }

  address(name: string): bigint | null {
    return this.byName.get(name) ?? null;
  }
}
