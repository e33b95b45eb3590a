// Decoded instructions, kept per physical page so that every CPU shares them and a write to a
// page invalidates exactly what was decoded from it. Instructions that straddle a page boundary
// are not cached (they depend on two pages); they are decoded each time they run.
//
// Memory can also change behind the CPUs' backs: restoring a snapshot replaces pages wholesale.
// Given the memory, the cache keeps a copy of the bytes each page held when it began holding
// decoded code, so after such a change (recheck) a page's code is kept if its bytes are still the
// same and dropped otherwise, checked the next time a CPU fetches from it.

import type { Instr } from './instr.ts';

const PAGE = 4096;

export class CodeCache {
  private readonly pages = new Map<number, (Instr | undefined)[]>();
  /** The bytes of each page holding code, as they were when its code was decoded. */
  private readonly copies = new Map<number, Int32Array>();
  /** Pages whose bytes may have changed since their code was decoded (see recheck). */
  private readonly unchecked = new Set<number>();
  private readonly words: Int32Array | null;
  /** Bumped whenever decoded code is dropped, so interpreters drop their cached page too. */
  epoch = 0;

  /** `memory`: the physical memory code is decoded from, when recheck() is to keep code. */
  constructor(private readonly memory: Uint8Array | null = null) {
    this.words = memory ? new Int32Array(memory.buffer, memory.byteOffset, memory.byteLength >> 2) : null;
  }

  /** The decoded-instruction slots of the page at physical address `physPage` (4 KiB aligned). */
  page(physPage: number): (Instr | undefined)[] {
    let p = this.pages.get(physPage);
    if (p !== undefined && this.unchecked.size !== 0 && this.unchecked.delete(physPage) && !this.unchanged(physPage)) {
      this.pages.delete(physPage);
      p = undefined;
    }
    if (p === undefined) {
      p = new Array<Instr | undefined>(PAGE);
      this.pages.set(physPage, p);
      if (this.memory) this.copies.set(physPage, this.words!.slice(physPage / 4, (physPage + PAGE) / 4));
      this.onNewCodePage(physPage);
    }
    return p;
  }

  hasCode(physPage: number): boolean {
    return this.pages.has(physPage);
  }

  /** Drops what was decoded from a page (it was written to). */
  invalidate(physPage: number): void {
    if (this.pages.delete(physPage)) {
      this.copies.delete(physPage);
      this.unchecked.delete(physPage);
      this.epoch++;
    }
  }

  clear(): void {
    this.pages.clear();
    this.copies.clear();
    this.unchecked.clear();
    this.epoch++;
  }

  /**
   * Memory may have changed anywhere without the CPUs writing it (a snapshot was restored): each
   * page's code is checked against the bytes it was decoded from before it runs again. Without
   * the memory to check against, everything is dropped.
   */
  recheck(): void {
    if (!this.memory) { this.clear(); return; }
    for (const p of this.pages.keys()) this.unchecked.add(p);
    this.epoch++;
  }

  /** Whether a page still holds the bytes its code was decoded from. */
  private unchanged(physPage: number): boolean {
    const copy = this.copies.get(physPage)!;
    const words = this.words!;
    const at = physPage / 4;
    if (at + copy.length > words.length) return false;
    for (let i = 0; i < copy.length; i++) if (words[at + i] !== copy[i]) return false;
    return true;
  }

  /** Called when a page first holds decoded code (the MMU stops fast-path writes to it). */
  onNewCodePage: (physPage: number) => void = () => {};
}
