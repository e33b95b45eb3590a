// The inspectors' calls of the API over open sessions: one Inspector per session, made when first
// asked for and dropped with the session. Arguments come from a page and are checked here.

import { TraceType } from '../../../emulator/machine/trace_format.ts';
import type { MachineEvent } from '../../../emulator/machine/events.ts';
import type { Inspection, InspectQuery, LockGraph, PanicReport } from '../../../preload/inspect_api.ts';
import * as check from '../../check_args.ts';
import type { SessionView } from '../session_view.ts';
import { Inspector } from './inspector.ts';
import { lockGraph, lockGraphOfEdges } from './lock_graph.ts';

export interface InspectCalls {
  inspect(query: InspectQuery): Promise<Inspection>;
  lockGraph(session: string): Promise<LockGraph>;
  panicReport(session: string): Promise<PanicReport | null>;
}

type TraceEvent = Extract<MachineEvent, { kind: 'trace' }>;

export function inspectServices(session: (id: unknown) => SessionView): InspectCalls {
  const inspectors = new WeakMap<SessionView, Inspector>();
  const inspectorOf = (view: SessionView) => {
    let i = inspectors.get(view);
    if (i === undefined) inspectors.set(view, (i = new Inspector(view.client, view.machine)));
    return i;
  };
  return {
    inspect: async (query) => {
      const q = check.obj(query, 'query');
      const view = session(q.session);
      const addr = q.addr === null ? null : check.str(q.addr, 'addr', 18);
      if (addr !== null && !/^0x[0-9a-fA-F]{1,16}$/.test(addr)) throw new Error('bad argument addr: not 0x and 1 to 16 hex digits');
      return inspectorOf(view).inspect({ session: view.id, t: check.num(q.t, 't'), cpu: check.int(q.cpu, 'cpu', 0, 255), addr });
    },
    lockGraph: async (id) => {
      const view = session(id);
      const [edges, locks, tasks] = await Promise.all([view.client.query('lockEdges'), view.client.query('locks'), view.client.query('tasks')]);
      const names = new Map(tasks.map((t) => [t.pid, t.name]));
      const task = (pid: number) => names.get(pid) ?? null;
      if (edges !== null) return lockGraphOfEdges(edges, locks, task);
      const events = await view.lockGraphTraces();
      return lockGraph(events.filter((e): e is TraceEvent => e.kind === 'trace'), task);
    },
    panicReport: async (id) => {
      const view = session(id);
      const last = await view.client.query('step', Infinity, -1, { kinds: ['trace'], traceTypes: [TraceType.PANIC, TraceType.OOPS, TraceType.LOCKDEP] });
      if (last === null) return null;
      return inspectorOf(view).panicReport(await view.client.query('consoleText', Infinity), last.t, last.cpu);
    },
  };
}
