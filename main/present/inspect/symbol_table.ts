// A symbol table in memory: symbol+offset for many addresses without a query each, and an address
// by name. The kernel's comes from its ELF image (kernel_symbols.ts), a user program's from the
// session's table of that program.

export interface TableSymbol { addr: bigint; size: bigint; name: string }

export class SymbolTable {
  private readonly sorted: TableSymbol[];
  private readonly byName = new Map<string, bigint>();

  constructor(symbols: TableSymbol[]) {
    this.sorted = symbols.map((s) => ({ ...s, addr: BigInt.asUintN(64, s.addr) })).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
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
