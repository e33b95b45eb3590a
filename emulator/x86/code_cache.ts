// Decoded instructions, kept per physical page so that every CPU shares them and a write to a
// page invalidates exactly what was decoded from it. Instructions that straddle a page boundary
// are not cached (they depend on two pages); they are decoded each time they run.

import type { Instr } from './instr.ts';

export class CodeCache {
  private readonly pages = new Map<number, (Instr | undefined)[]>();
  /** Bumped whenever decoded code is dropped, so interpreters drop their cached page too. */
  epoch = 0;

  /** The decoded-instruction slots of the page at physical address `physPage` (4 KiB aligned). */
  page(physPage: number): (Instr | undefined)[] {
    let p = this.pages.get(physPage);
    if (p === undefined) {
      p = new Array<Instr | undefined>(4096);
      this.pages.set(physPage, p);
      this.onNewCodePage(physPage);
    }
    return p;
  }

  hasCode(physPage: number): boolean {
    return this.pages.has(physPage);
  }

  /** Drops what was decoded from a page (it was written to). */
  invalidate(physPage: number): void {
    if (this.pages.delete(physPage)) this.epoch++;
  }

  clear(): void {
    this.pages.clear();
    this.epoch++;
  }

  /** Called when a page first holds decoded code (the MMU stops fast-path writes to it). */
  onNewCodePage: (physPage: number) => void = () => {};
}
