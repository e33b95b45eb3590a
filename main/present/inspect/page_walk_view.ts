// A page walk as the inspector shows it: each level's entry with its flags named, and the flag
// that denied the access (SDM Vol. 3, 4.5 "4-Level Paging", Table 4-14 to 4-20; 4.6 "Access Rights").

import type { WalkResult } from '../../../emulator/machine/mmu.ts';
import type { PageWalk, PageWalkLevel } from '../../../preload/inspect_api.ts';
import { hexAddr } from '../session_view.ts';

const TABLES = { 4: 'PML4', 3: 'PDPT', 2: 'PD', 1: 'PT' } as const;

const FLAGS: [number, string, string][] = [
  [0, 'P', 'present'], [1, 'R/W', 'writable'], [2, 'U/S', 'user-accessible'], [5, 'A', 'accessed'],
  [6, 'D', 'dirty'], [7, 'PS', 'large page'], [63, 'XD', 'execute-disable'],
];

/** Which flag a walk's reason names (mmu.ts inspect() phrases each denial with it). */
function deniedFlag(reason: string): string | null {
  if (reason.includes('(P=0)')) return 'P';
  if (reason.includes('U/S')) return 'U/S';
  if (reason.includes('R/W')) return 'R/W';
  if (reason.includes('XD')) return 'XD';
  return null;
}

export function pageWalkView(addr: bigint, access: PageWalk['access'], user: boolean, w: WalkResult): PageWalk {
  const denied = deniedFlag(w.reason);
  const levels: PageWalkLevel[] = w.steps.map((s, i) => {
    const flags = FLAGS.map(([bit, name, meaning]) => ({ name, meaning, set: ((s.entry >> BigInt(bit)) & 1n) === 1n }));
    const last = i === w.steps.length - 1;
    // P=0 stops the walk at its own level; U/S, R/W and XD are the combined rights of every
    // level (SDM 4.6.1): each level that clears U/S or R/W (or sets XD) denies on its own.
    const flag = flags.find((f) => f.name === denied);
    const denies = denied === 'P' ? (last ? 'P' : null) : flag !== undefined && (denied === 'XD' ? flag.set : !flag.set) ? denied : null;
    const index = Number((BigInt.asUintN(64, addr) >> BigInt(12 + 9 * (s.level - 1))) & 511n);
    return { table: TABLES[s.level], index, entryAddr: hexAddr(BigInt(s.entryAddr)), entry: hexAddr(s.entry), flags, denies };
  });
  return { addr: hexAddr(addr), access, user, levels, phys: w.phys >= 0 ? hexAddr(BigInt(w.phys)) : null, reason: w.reason, errorCode: w.errorCode };
}
