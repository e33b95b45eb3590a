// The lock-dependency graph of a recording, as the Locks view shows it: an edge A -> B each time a
// CPU acquired B while holding A (the order lockdep learns, session/lock_order.ts), kept at the
// instant it was first taken. A cycle in it is a possible deadlock even when no run ever waited:
// T1 A->B, T2 B->C, T3 C->A.

import type { MachineEvent } from '../../../emulator/machine/events.ts';
import { decodeTrace } from '../../../emulator/machine/trace_format.ts';
import type { LockEdge, LockGraph } from '../../../preload/inspect_api.ts';
import { findCycle, lockLabel, nameEdges, type LockEdgeRow } from '../../session/lock_order.ts';

type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

/** The graph of these edges (in the order first taken) over these locks, its first cycle marked. */
function graphOf(locks: Iterable<string>, edges: Map<string, LockEdge>): LockGraph {
  const all = [...edges.values()];
  const cycle = findCycle(all);
  for (let i = 0; i + 1 < cycle.length; i++) {
    const edge = edges.get(`${cycle[i]}\u0000${cycle[i + 1]}`);
    if (edge) edge.inCycle = true;
  }
  return { locks: [...new Set(locks)].sort(), edges: all, cycle };
}

/** Adds the edge from -> to unless a lock of that name is asked for while holding itself, or the pair is known. */
function addEdge(edges: Map<string, LockEdge>, from: string, to: string, t: number, cpu: number, task: string | null): void {
  const key = `${from}\u0000${to}`;
  if (from !== to && !edges.has(key)) edges.set(key, { from, to, t, cpu, task, inCycle: false });
}

/** The graph from the edges the recorder derived (session format 3 on), named from its locks table. */
export function lockGraphOfEdges(rows: readonly LockEdgeRow[], locks: readonly { addr: number; name: string }[], task: (pid: number) => string | null): LockGraph {
  const edges = new Map<string, LockEdge>();
  for (const r of nameEdges(rows, locks)) addEdge(edges, r.from, r.to, r.t, r.cpu, task(r.pid));
  return graphOf(locks.map((l) => lockLabel(l.name, BigInt(l.addr))), edges);
}

/** The graph learnt from lock tracepoints, for files of formats that did not derive the edges. */
export function lockGraph(events: readonly TraceEvent[], task: (pid: number) => string | null): LockGraph {
  const held = new Map<number, string[]>();
  const edges = new Map<string, LockEdge>();
  const locks = new Set<string>();
  for (const e of events) {
    const v = decodeTrace(e.type, e.args, e.text);
    if (v.name !== 'LOCK_ACQUIRED' && v.name !== 'LOCK_RELEASE' && v.name !== 'LOCK_ACQUIRE') continue;
    const lock = lockLabel(v.lockName, v.lock);
    locks.add(lock);
    const list = held.get(e.cpu) ?? [];
    held.set(e.cpu, list);
    // The order is learnt when the lock is asked for (LOCK_ACQUIRE), before any waiting: that is
    // the instant a deadlock would start.
    if (v.name === 'LOCK_ACQUIRE') for (const from of list) addEdge(edges, from, lock, e.t, e.cpu, task(e.pid));
    else if (v.name === 'LOCK_ACQUIRED') list.push(lock);
    else {
      const at = list.lastIndexOf(lock);
      if (at >= 0) list.splice(at, 1);
    }
  }
  return graphOf(locks, edges);
}
