// The lock-dependency graph of a recording: an edge A -> B each time a CPU acquired B while
// holding A (the order lockdep learns), kept at the instant it was first taken. A cycle in it is
// a possible deadlock even when no run ever waited: T1 A->B, T2 B->C, T3 C->A.

import type { MachineEvent } from '../../../emulator/machine/events.ts';
import { decodeTrace } from '../../../emulator/machine/trace_format.ts';
import type { LockEdge, LockGraph } from '../../../preload/inspect_api.ts';
import type { LockEdgeRow } from '../../session/lock_order.ts';

type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

/**
 * The first cycle found by depth-first search, as locks in order with the first repeated. The
 * search keeps its own stack: the edges may come from a file, and a chain of thousands of locks
 * must not overflow the call stack.
 */
export function findCycle(edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const tos = next.get(e.from);
    if (tos) tos.push(e.to);
    else next.set(e.from, [e.to]);
  }
  const state = new Map<string, 'open' | 'done'>();
  for (const root of [...next.keys()].sort()) {
    if (state.has(root)) continue;
    // The path from the root, each lock with the index of the next edge to follow from it.
    const path: string[] = [root];
    const edge: number[] = [0];
    state.set(root, 'open');
    while (path.length > 0) {
      const n = path[path.length - 1]!;
      const m = next.get(n)?.[edge[edge.length - 1]!];
      if (m === undefined) {
        state.set(n, 'done');
        path.pop();
        edge.pop();
        continue;
      }
      edge[edge.length - 1]!++;
      if (state.get(m) === 'open') return [...path.slice(path.indexOf(m)), m];
      if (state.get(m) === undefined) {
        state.set(m, 'open');
        path.push(m);
        edge.push(0);
      }
    }
  }
  return [];
}

/** A lock's name in the graph: the kernel's, or its address when it gave none. */
function lockLabel(name: string, addr: bigint): string {
  return name || `lock ${BigInt.asUintN(64, addr).toString(16)}`;
}

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
  const names = new Map(locks.map((l) => [l.addr, lockLabel(l.name, BigInt(l.addr))]));
  const name = (addr: number) => names.get(addr) ?? lockLabel('', BigInt(addr));
  const edges = new Map<string, LockEdge>();
  for (const r of rows) addEdge(edges, name(r.from), name(r.to), r.t, r.cpu, task(r.pid));
  return graphOf(names.values(), edges);
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
