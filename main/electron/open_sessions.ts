// What the main process knows of the sessions the page has open, learnt from the results of the
// page's own calls: which one it looks at now (the target of Save, Save As, Export and Close in
// the File menu) and which hold changes not yet saved (asked about before the window closes).

import type { ApiMethod, RunProgress, SessionInfo } from '../../preload/api.ts';

const CHANGES: ReadonlySet<ApiMethod> = new Set(['addBookmark', 'updateBookmark', 'removeBookmark']);

export class OpenSessions {
  private readonly byId = new Map<string, SessionInfo>();
  /** The file on disk each session was opened from or last saved to. */
  private readonly files = new Map<string, string>();
  private currentId: string | null = null;

  /** `changed` runs after anything here changed (the window title follows it). */
  constructor(private readonly changed: () => void = () => undefined) {}

  /** Records what a successful call says about the sessions. */
  observe(method: ApiMethod, args: readonly unknown[], result: unknown): void {
    if (method === 'openSession' || method === 'saveSession') this.remember(result as SessionInfo);
    else if (method === 'startRun' || method === 'pauseRun' || method === 'resumeRun' || method === 'stopRun') {
      const session = (result as { session: SessionInfo | null }).session;
      if (session !== null) this.remember(session);
    } else if (method === 'closeSession') this.forget(args[0] as string);
    else if (CHANGES.has(method)) {
      const info = this.byId.get(args[0] as string);
      if (info !== undefined) {
        this.byId.set(info.id, { ...info, dirty: true });
        this.changed();
      }
    }
  }

  /** Records a run's progress pushed to the page: its session, live until the run ends. */
  observeRun(progress: Pick<RunProgress, 'session'>): void {
    if (progress.session !== null) this.remember(progress.session);
  }

  remember(info: SessionInfo): void {
    this.byId.set(info.id, info);
    this.currentId = info.id;
    this.changed();
  }

  forget(id: string): void {
    this.byId.delete(id);
    this.files.delete(id);
    if (this.currentId === id) this.currentId = null;
    this.changed();
  }

  /** Marks a session saved to `path` (its name may have changed with it): it is clean, and Save writes there from now on. */
  savedTo(saved: SessionInfo, path: string): void {
    this.files.set(saved.id, path);
    if (this.byId.has(saved.id)) this.byId.set(saved.id, { ...saved, dirty: false });
    this.changed();
  }

  fileOf(id: string): string | null {
    return this.files.get(id) ?? null;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  get current(): SessionInfo | null {
    return this.currentId === null ? null : (this.byId.get(this.currentId) ?? null);
  }

  /** Sessions whose bookmarks changed since their last save, and recordings still running. */
  unsaved(): SessionInfo[] {
    return [...this.byId.values()].filter((s) => s.dirty || s.live);
  }
}
