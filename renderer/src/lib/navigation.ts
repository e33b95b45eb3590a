// Everything that moves the playhead or the viewport, for keys, buttons and the timeline alike.
// Seeking asks the machine state at the new instant with "latest wins": while one stateAt is in
// flight further seeks only remember their target, so scrubbing never queues work behind itself.

import type { JumpTarget } from '../../../preload/api.ts';
import { api } from './api.ts';
import { app, reportError } from './app_state.svelte.ts';

let stateInFlight = false;
let stateWanted: number | null = null;

function fetchState(): void {
  const session = app.session;
  if (session === null || stateWanted === null) return;
  const t = stateWanted;
  stateWanted = null;
  stateInFlight = true;
  api.stateAt(session.id, t).then(
    (m) => {
      if (app.session?.id === session.id) {
        if (app.machine !== null && app.machine.t !== m.t) app.previous = app.machine;
        app.machine = m;
      }
    },
    reportError,
  ).finally(() => {
    stateInFlight = false;
    fetchState();
  });
}

export function seek(t: number): void {
  const clamped = Math.min(Math.max(t, app.tStart), app.tEnd);
  app.playhead = clamped;
  stateWanted = clamped;
  if (!stateInFlight) fetchState();
  keepVisible(clamped);
}

/** Pans so that t is inside the viewport, keeping the zoom. */
export function keepVisible(t: number): void {
  const span = app.t1 - app.t0;
  if (t >= app.t0 && t <= app.t1) return;
  setViewport(t - span / 2, t + span / 2);
}

export function setViewport(t0: number, t1: number): void {
  const lo = app.tStart;
  const hi = app.tEnd;
  let span = Math.min(Math.max(t1 - t0, 20), hi - lo);
  let a = t0;
  if (a < lo) a = lo;
  if (a + span > hi) a = hi - span;
  span = Math.max(span, 1);
  app.t0 = a;
  app.t1 = a + span;
}

export function zoomBy(factor: number, around = app.playhead): void {
  const f = Math.min(Math.max((around - app.t0) / (app.t1 - app.t0), 0), 1);
  const span = (app.t1 - app.t0) * factor;
  setViewport(around - f * span, around - f * span + span);
}

export function panBy(fraction: number): void {
  const span = app.t1 - app.t0;
  setViewport(app.t0 + fraction * span, app.t1 + fraction * span);
}

export function zoomToFit(): void {
  setViewport(app.tStart, app.tEnd);
}

export async function stepBy(unit: 'instruction' | 'event', direction: 1 | -1): Promise<void> {
  const session = app.session;
  if (session === null) return;
  try {
    if (unit === 'event') return await jump('event', direction, app.cpu);
    seek(await api.step({ session: session.id, t: app.playhead, cpu: app.cpu, unit, direction }));
  } catch (err) {
    reportError(err);
  }
}

export async function jump(target: JumpTarget, direction: 1 | -1, cpu: number | null = null): Promise<void> {
  const session = app.session;
  if (session === null) return;
  try {
    const ev = await api.jump({ session: session.id, t: app.playhead, cpu, target, direction });
    if (ev === null) {
      app.notice = `no ${direction > 0 ? 'next' : 'previous'} ${target === 'event' ? 'event' : target + ' event'}`;
      return;
    }
    app.notice = null;
    app.selected = ev;
    app.cpu = ev.cpu;
    seek(ev.t);
  } catch (err) {
    reportError(err);
  }
}

export function selectCpu(delta: number): void {
  const n = app.session?.cpus ?? 1;
  app.cpu = (app.cpu + delta + n) % n;
}

export async function selectEvent(seq: number): Promise<void> {
  const session = app.session;
  if (session === null) return;
  try {
    const ev = await api.eventDetail(session.id, seq);
    if (ev === null) return;
    app.selected = ev;
    app.cpu = ev.cpu;
    seek(ev.t);
  } catch (err) {
    reportError(err);
  }
}

export function resetTimeTravel(): void {
  stateWanted = null;
  app.machine = null;
  app.previous = null;
  app.selected = null;
}
