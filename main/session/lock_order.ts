// The order in which the kernel takes its locks, learnt as lockdep learns it: an edge A -> B the
// first time a CPU asks for B (LOCK_ACQUIRE, before any waiting: the instant a deadlock would
// start) while holding A (LOCK_ACQUIRED, not yet LOCK_RELEASE). Derived while recording, so the
// lock graph covers the whole run however many lock tracepoints it made. A cycle in the order is
// a possible deadlock (findCycle).

/** An edge as stored (schema.ts `lock_edges`): locks by address, with where it was first taken. */
export interface LockEdgeRow {
  from: number;
  to: number;
  t: number;
  cpu: number;
  pid: number;
  seq: number;
}

/** A lock's name in a graph of the order: the kernel's, or its address when it gave none. */
export function lockLabel(name: string, addr: bigint): string {
  return name || `lock ${BigInt.asUintN(64, addr).toString(16)}`;
}

/** The edges with their locks named from the session's locks table, in the same order. */
export function nameEdges(rows: readonly LockEdgeRow[], locks: readonly { addr: number; name: string }[]): (Omit<LockEdgeRow, 'from' | 'to'> & { from: string; to: string })[] {
  const names = new Map(locks.map((l) => [l.addr, lockLabel(l.name, BigInt(l.addr))]));
  const name = (addr: number) => names.get(addr) ?? lockLabel('', BigInt(addr));
  return rows.map((r) => ({ ...r, from: name(r.from), to: name(r.to) }));
}

export class LockOrder {
  /** Locks each CPU holds, in the order it took them. */
  private readonly held: number[][] = [];
  /** Edges seen, per lock held: the locks asked for while holding it. */
  private readonly seen = new Map<number, Set<number>>();
  private fresh: LockEdgeRow[] = [];

  private heldBy(cpu: number): number[] {
    return (this.held[cpu] ??= []);
  }

  /** LOCK_ACQUIRE: `cpu` asks for `lock`. */
  request(cpu: number, lock: number, t: number, pid: number, seq: number): void {
    for (const from of this.heldBy(cpu)) {
      if (from === lock) continue;
      let tos = this.seen.get(from);
      if (!tos) this.seen.set(from, (tos = new Set()));
      if (tos.has(lock)) continue;
      tos.add(lock);
      this.fresh.push({ from, to: lock, t, cpu, pid, seq });
    }
  }

  /** LOCK_ACQUIRED: `cpu` now holds `lock`. */
  acquired(cpu: number, lock: number): void {
    this.heldBy(cpu).push(lock);
  }

  /** LOCK_RELEASE: the latest hold of `lock` on `cpu` ends. */
  release(cpu: number, lock: number): void {
    const list = this.heldBy(cpu);
    const at = list.lastIndexOf(lock);
    if (at >= 0) list.splice(at, 1);
  }

  /** Reset or power-off: nothing is held any more. */
  releaseAll(): void {
    for (const list of this.held) if (list) list.length = 0;
  }

  /** Edges first taken since the last drain. */
  drain(): LockEdgeRow[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

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
