// What the inspectors show, fetched for the playhead and the selected CPU with "latest wins":
// an inspect call re-executes the machine to the instant, so while one is in flight later moves
// only remember their target. The lock graph and the panic report are per session, fetched once.

import type { Inspection, InspectQuery, LockGraph, PanicReport } from '../../../preload/api.ts';
import { api } from '../lib/api.ts';
import { app, reportError } from '../lib/app_state.svelte.ts';

export type InspectorTab = 'fault' | 'code' | 'stack' | 'paging' | 'tables' | 'locks' | 'panic' | 'cpu';

class InspectionState {
  tab = $state<InspectorTab>('fault');
  current = $state.raw<Inspection | null>(null);
  /** The address typed into the page-walk view, or null to walk CR2 of the fault. */
  addr = $state<string | null>(null);
  /** A panic-report frame chosen: its function is marked in the stack view. */
  frameSymbol = $state<string | null>(null);
  lockGraph = $state.raw<LockGraph | null>(null);
  panic = $state.raw<PanicReport | null>(null);
  /** The session the per-session values belong to. */
  session = '';
}

export const inspection = new InspectionState();

let inFlight = false;
let wanted: InspectQuery | null = null;

function fetchNext(): void {
  if (wanted === null) return;
  const q = wanted;
  wanted = null;
  inFlight = true;
  api.inspect(q).then(
    (r) => {
      if (app.session?.id === q.session) inspection.current = r;
    },
    reportError,
  ).finally(() => {
    inFlight = false;
    fetchNext();
  });
}

export function inspectAt(q: InspectQuery): void {
  wanted = q;
  if (!inFlight) fetchNext();
}

/** Fetches the lock graph and the panic report when a session is first shown. */
export function loadSessionViews(session: string): void {
  if (inspection.session === session) return;
  inspection.session = session;
  inspection.current = null;
  inspection.lockGraph = null;
  inspection.panic = null;
  inspection.frameSymbol = null;
  api.lockGraph(session).then((g) => {
    if (inspection.session === session) inspection.lockGraph = g;
  }, reportError);
  api.panicReport(session).then((p) => {
    if (inspection.session === session) inspection.panic = p;
  }, reportError);
}
