// The kernel's symbol table, read from the ELF image the recording carries: symbol+offset for
// many addresses without a query each, and an address by name (__stack_chk_guard).

import { parseElf, readSymbols } from '../../../emulator/machine/elf.ts';
import { SymbolTable } from './symbol_table.ts';

export class KernelSymbols extends SymbolTable {
  constructor(elf: Uint8Array | null) {
    const syms = elf === null ? [] : readSymbols(elf, parseElf(elf)).filter((s) => s.name !== '' && (s.type === 1 || s.type === 2 || s.type === 0));
    super(syms.map((s) => ({ addr: s.value, size: BigInt(s.size), name: s.name })));
  }
}
