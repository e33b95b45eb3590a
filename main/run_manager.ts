// Runs started from the app: one recording at a time, through the emulator host (emulator and
// recorder each in a worker), with progress pushed to the page a few times a second. When the
// run ends, its file opens as a session and the timeline shows it.
//
// The file is not read while it is being written: the recorder's finish() needs the file to
// itself (it leaves WAL mode and seals the pages) and fails with "database is locked" if a
// reader is open at that moment, which nothing tells us in advance (renderer/NEEDS.md, item 6).

import { basename } from 'node:path';
import type { RunOptions, RunProgress } from '../preload/api.ts';
import type { RecordProgress, RecordingControl, StartRecording } from './emulator_host/host.ts';
import { scenarioRecordRequest } from './scenario_recording.ts';
import type { SessionLibrary } from './library.ts';
import { SessionView } from './present/session_view.ts';
import { SessionClient } from './session/session_client.ts';
import { describeOutcome } from './session/outcome.ts';

// Progress to the page at most this often; the emulator reports every slice.
const PUSH_EVERY_MS = 250;

interface Live {
  runId: string;
  options: RunOptions;
  recording: RecordingControl;
  path: string;
  progress: RecordProgress;
  phase: RunProgress['phase'];
  lastPush: number;
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
      t: live.progress.t, events: live.progress.events, session: null, outcome, error,
    };
  }

  private onProgress(p: RecordProgress): void {
    const live = this.live;
    if (live === null) return;
    live.progress = p;
    const now = Date.now();
    if (now - live.lastPush < PUSH_EVERY_MS) return;
    live.lastPush = now;
    this.push(this.snapshot(live, null, null));
  }

  private async finish(live: Live, error: string | null, outcome: string | null, phase: RunProgress['phase']): Promise<void> {
    live.phase = phase;
    this.live = null;
    const progress = this.snapshot(live, outcome, error);
    try {
      const client = await SessionClient.open(live.path);
      const view = await SessionView.open(this.newSessionId(), basename(live.path), client);
      this.adopt(view);
      progress.session = await view.info();
    } catch (err) {
      progress.error ??= `the recording could not be opened: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.push(progress);
  }
}
