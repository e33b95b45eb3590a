// Runs started from the app: one recording at a time, through the emulator host (emulator and
// recorder each in a worker), with progress pushed to the page a few times a second.
//
// The timeline fills live: once the recorder has committed its first batch, the growing file
// opens as a live session (read in short holds, session_client.ts), its info is read again about
// once a second and pushed with the progress. The recorder's finish() waits for such a reader to
// let go. When the run ends, the finished file opens under the same session id, so the page
// swaps it in keeping its place.

import { basename } from 'node:path';
import type { RunOptions, RunProgress, SessionInfo } from '../preload/api.ts';
import type { RecordProgress, RecordingControl, StartRecording } from './emulator_host/host.ts';
import { scenarioRecordRequest } from './scenario_recording.ts';
import type { SessionLibrary } from './library.ts';
import { SessionView } from './present/session_view.ts';
import { SessionClient } from './session/session_client.ts';
import { describeOutcome } from './session/outcome.ts';

// Progress to the page at most this often; the emulator reports every slice.
const PUSH_EVERY_MS = 250;
// The live session's info (end time, events, tasks, locks) is read again this often.
const REFRESH_EVERY_MS = 1000;

interface Live {
  runId: string;
  options: RunOptions;
  recording: RecordingControl;
  path: string;
  progress: RecordProgress;
  phase: RunProgress['phase'];
  lastPush: number;
  /** The session id the page knows this run's recording by, live and then finished. */
  sessionId: string;
  /** The growing recording, once opened; its info as last read. */
  view: Promise<SessionView | null> | null;
  info: SessionInfo | null;
  lastRefresh: number;
  refreshing: boolean;
  ended: boolean;
}

export class RunManager {
  private live: Live | null = null;
  private nextRun = 1;

  constructor(
    private readonly library: SessionLibrary,
    private readonly newSessionId: () => string,
    private readonly adopt: (view: SessionView) => void,
    private readonly push: (p: RunProgress) => void,
    private readonly record: StartRecording,
    /** The guest build the scenarios boot (scenario_recording.ts reads it). */
    private readonly guestBuildDir?: string,
  ) {}

  start(options: RunOptions): RunProgress {
    if (this.live !== null) throw new Error('a run is already going on: stop it first');
    const path = this.library.recordingPath(options.scenarioId, new Date());
    const request = scenarioRecordRequest(options.scenarioId, options, path, this.guestBuildDir);
    const recording = this.record({ ...request, onProgress: (p) => this.onProgress(p) });
    const live: Live = {
      runId: `r${this.nextRun++}`, options, recording, path,
      progress: { instructions: 0, t: 0, events: 0, committed: 0 }, phase: 'running', lastPush: 0,
      sessionId: this.newSessionId(), view: null, info: null, lastRefresh: 0, refreshing: false, ended: false,
    };
    this.live = live;
    recording.done.then(
      (result) => void this.finish(live, null, describeOutcome(result.outcome), result.stop === 'cancelled' ? 'stopped' : 'finished'),
      (err: unknown) => void this.finish(live, err instanceof Error ? err.message : String(err), null, 'failed'),
    );
    return this.snapshot(live, null, null);
  }

  stop(runId: string): RunProgress {
    const live = this.current(runId);
    live.recording.stop();
    return this.snapshot(live, null, null);
  }

  /** Holds the emulator between two slices; the machine keeps its state until resumed. */
  pause(runId: string): RunProgress {
    const live = this.current(runId);
    if (live.phase !== 'running') throw new Error(`the run is ${live.phase}, not running`);
    live.recording.pause();
    live.phase = 'paused';
    return this.snapshot(live, null, null);
  }

  resume(runId: string): RunProgress {
    const live = this.current(runId);
    if (live.phase !== 'paused') throw new Error(`the run is ${live.phase}, not paused`);
    live.recording.resume();
    live.phase = 'running';
    return this.snapshot(live, null, null);
  }

  private current(runId: string): Live {
    const live = this.live;
    if (live === null || live.runId !== runId) throw new Error('that run is not going on');
    return live;
  }

  private snapshot(live: Live, outcome: string | null, error: string | null): RunProgress {
    return {
      runId: live.runId, options: live.options, phase: live.phase, instructions: live.progress.instructions, budget: live.options.budget,
      t: live.progress.t, events: live.progress.events, session: live.info, outcome, error,
    };
  }

  private onProgress(p: RecordProgress): void {
    const live = this.live;
    if (live === null) return;
    live.progress = p;
    const now = Date.now();
    if (p.committed > 0 && !live.refreshing && now - live.lastRefresh >= REFRESH_EVERY_MS) void this.refresh(live);
    if (now - live.lastPush < PUSH_EVERY_MS) return;
    live.lastPush = now;
    this.push(this.snapshot(live, null, null));
  }

  /** Opens the growing recording on first use, then reads its info again; pushes it with the progress. */
  private async refresh(live: Live): Promise<void> {
    live.refreshing = true;
    live.lastRefresh = Date.now();
    try {
      live.view ??= this.openLive(live);
      const view = await live.view;
      if (view === null || live.ended) return;
      const info = await view.info();
      if (live.ended) return;
      live.info = info;
      live.lastPush = Date.now();
      this.push(this.snapshot(live, null, null));
    } catch {
      // A read that failed while the file grew: the next refresh tries again, and the finished
      // file is opened with every check when the run ends.
    } finally {
      live.refreshing = false;
    }
  }

  private async openLive(live: Live): Promise<SessionView | null> {
    const client = await SessionClient.open(live.path, { live: true });
    try {
      const view = await SessionView.open(live.sessionId, basename(live.path), client, true);
      if (live.ended) {
        await client.close();
        return null;
      }
      this.adopt(view);
      return view;
    } catch (err) {
      await client.close();
      live.view = null;
      throw err;
    }
  }

  private async finish(live: Live, error: string | null, outcome: string | null, phase: RunProgress['phase']): Promise<void> {
    live.phase = phase;
    live.ended = true;
    this.live = null;
    const progress = this.snapshot(live, outcome, error);
    const liveView = await live.view?.catch(() => null) ?? null;
    await liveView?.client.close();
    try {
      const client = await SessionClient.open(live.path);
      const view = await SessionView.open(live.sessionId, basename(live.path), client);
      if (liveView !== null) view.adoptBookmarks(liveView);
      this.adopt(view);
      progress.session = await view.info();
    } catch (err) {
      progress.session = null;
      progress.error ??= `the recording could not be opened: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.push(progress);
  }
}
