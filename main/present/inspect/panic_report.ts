// The kernel's own report of a panic (or the last oops), as it printed it on the console, with
// the frames of its "Call Trace:" picked out so that each can be followed to its source.

import type { PanicFrame, PanicReport } from '../../../preload/inspect_api.ts';

/** Console lines this many before the report's first line are shown with it. */
const HEADER = /^(Kernel panic - not syncing|Oops|BUG:|WARNING:|------------\[ cut here \])/;
/** A frame line of Linux's format: "  name+0xoff/0xsize", optionally prefixed by "? ". */
const FRAME = /^\s+(?:\? )?([A-Za-z_.$][\w.$]*)\+0x([0-9a-f]+)\/0x[0-9a-f]+\s*$/;

/** A frame's function and the offset of its return address, as the report printed them. */
export interface PrintedFrame {
  symbol: string;
  offset: bigint;
}

/** The last report in `console` (from its header line to the end), with its frames. */
export function panicReport(console: string, t: number, cpu: number, lineOf: (frame: PrintedFrame) => { file: string; line: number } | null = () => null): PanicReport | null {
  const lines = console.split('\n');
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (HEADER.test(lines[i]!)) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const report = lines.slice(start).filter((l, i, all) => i < all.length - 1 || l !== '');
  const frames: PanicFrame[] = [];
  for (const l of report) {
    const m = FRAME.exec(l);
    if (!m) continue;
    const at = lineOf({ symbol: m[1]!, offset: BigInt('0x' + m[2]!) });
    frames.push({ text: l.trim(), symbol: m[1]!, file: at?.file ?? null, line: at?.line ?? null });
  }
  return { t, cpu, title: report[0]!, lines: report, frames };
}
