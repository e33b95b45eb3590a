// The spans and markers the timeline draws, fetched for the viewport at the resolution of one
// pixel, with half a viewport of margin each side so that panning draws from what is there
// while the next fetch runs. A fetch is needed only when the viewport leaves the fetched range,
// the zoom changes by more than 2x, a live run recorded more, or the live recording became the
// finished one. Latest wins: while a fetch is in flight, further needs only mark it stale.
//
// While a run records, a viewport reaching the end of the recording follows the end as it grows.

import type { EventMarks, SpanResult } from '../../../preload/api.ts';
import { api } from './api.ts';
import { app, reportError } from './app_state.svelte.ts';
import { onPass, requestPass } from './frame_scheduler.ts';
import { setViewport } from './navigation.ts';

// Past this many markers in view the server thins them to one per family per pixel.
const MARK_LIMIT = 20_000;

interface Fetched {
  session: string;
  t0: number;
  t1: number;
  resolution: number;
  tEnd: number;
  live: boolean;
}

class TimelineData {
  spans = $state.raw<SpanResult | null>(null);
  marks = $state.raw<EventMarks | null>(null);
  overview = $state.raw<SpanResult | null>(null);
  /** The session `spans` and `marks` are of (both fetched for one viewport), or null. */
  session: string | null = null;
  /** Width in CSS pixels of the lanes canvas; set by the timeline view. */
  width = 800;
  overviewWidth = 800;
  private fetched: Fetched | null = null;
  private overviewFetched: Fetched | null = null;
  private inFlight = false;
  private overviewInFlight = false;

  constructor() {
    onPass('data', () => this.update());
  }

  clear(): void {
    this.spans = null;
    this.marks = null;
    this.session = null;
    this.overview = null;
    this.fetched = null;
    this.overviewFetched = null;
  }

  private update(): void {
    const s = app.session;
    if (s === null) return;
    this.followEnd(s.id, s.tEnd);
    const resolution = (app.t1 - app.t0) / Math.max(this.width, 1);
    const f = this.fetched;
    const covered =
      f !== null && f.session === s.id && f.live === s.live && f.t0 <= app.t0 && f.t1 >= Math.min(app.t1, s.tEnd) &&
      f.resolution <= resolution * 2 && f.resolution >= resolution / 2 && (f.tEnd === s.tEnd || f.t1 < f.tEnd);
    if (!covered && !this.inFlight) this.fetchView(s.id, resolution, s.tEnd, s.live);
    const o = this.overviewFetched;
    if ((o === null || o.session !== s.id || o.tEnd !== s.tEnd || o.live !== s.live) && !this.overviewInFlight) this.fetchOverview(s.id, s.tStart, s.tEnd, s.live);
  }

  /** The end of the recording when last seen, per session: a live one grows. */
  private seenEnd = { session: '', tEnd: 0 };

  /** A viewport that reached the old end moves with the new one: the whole run while it shows it all. */
  private followEnd(session: string, tEnd: number): void {
    const seen = this.seenEnd;
    this.seenEnd = { session, tEnd };
    if (seen.session !== session || tEnd <= seen.tEnd || app.t1 < seen.tEnd) return;
    if (app.t0 <= app.tStart) setViewport(app.tStart, tEnd);
    else setViewport(app.t0 + (tEnd - seen.tEnd), tEnd);
  }

  private fetchView(session: string, resolution: number, tEnd: number, live: boolean): void {
    const span = app.t1 - app.t0;
    const want: Fetched = { session, t0: app.t0 - span / 2, t1: app.t1 + span / 2, resolution, tEnd, live };
    this.inFlight = true;
    const q = { session, t0: want.t0, t1: want.t1, resolution };
    Promise.all([api.spans(q), api.events({ ...q, limit: MARK_LIMIT })])
      .then(([spans, marks]) => {
        if (app.session?.id !== session) return;
        this.spans = spans;
        this.marks = marks;
        this.session = session;
        this.fetched = want;
      }, reportError)
      .finally(() => {
        this.inFlight = false;
        requestPass('data', 'timeline');
      });
  }

  private fetchOverview(session: string, t0: number, t1: number, live: boolean): void {
    this.overviewInFlight = true;
    const resolution = (t1 - t0) / Math.max(this.overviewWidth, 1);
    api.spans({ session, t0, t1, resolution })
      .then((spans) => {
        if (app.session?.id !== session) return;
        this.overview = spans;
        this.overviewFetched = { session, t0, t1, resolution, tEnd: t1, live };
      }, reportError)
      .finally(() => {
        this.overviewInFlight = false;
        requestPass('data', 'overview');
      });
  }
}

export const timelineData = new TimelineData();
