// The preload exposes exactly `window.faultline` through the context bridge, and nothing else:
// one object, each API method an invoke on its own channel, onRun and onCommand on the two push
// channels.
// Electron's contextBridge and ipcRenderer are recorded by the test (no Electron runs here).

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_PREFIX, IPC_PUSH_COMMAND, IPC_PUSH_RUN } from '../../preload/api.ts';

const bridge = vi.hoisted(() => ({
  exposed: [] as [string, Record<string, unknown>][],
  invoked: [] as unknown[][],
  listeners: new Map<string, Set<(...a: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => bridge.exposed.push([key, api]) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => (bridge.invoked.push(args), 'answer'),
    on: (channel: string, l: (...a: unknown[]) => void) => {
      if (!bridge.listeners.has(channel)) bridge.listeners.set(channel, new Set());
      bridge.listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (...a: unknown[]) => void) => bridge.listeners.get(channel)?.delete(l),
  },
}));

describe('preload', () => {
  beforeAll(async () => {
    await import('../../preload/index.ts');
  });

  it('exposes one object, window.faultline, with the API methods, onRun and onCommand only', () => {
    expect(bridge.exposed.map(([key]) => key)).toEqual(['faultline']);
    const api = bridge.exposed[0]![1];
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onCommand', 'onRun'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('turns each call into an invoke on that method’s own channel, arguments unchanged', async () => {
    const api = bridge.exposed[0]![1] as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const method of API_METHODS) {
      bridge.invoked.length = 0;
      expect(await api[method]!('a', 2)).toBe('answer');
      expect(bridge.invoked).toEqual([[IPC_PREFIX + method, 'a', 2]]);
    }
  });

  it('delivers run progress to onRun listeners until they unsubscribe, without the IPC event', () => {
    const api = bridge.exposed[0]![1] as { onRun: (l: (p: unknown) => void) => () => void };
    const got: unknown[] = [];
    const unsubscribe = api.onRun((p) => got.push(p));
    const push = (p: unknown) => bridge.listeners.get(IPC_PUSH_RUN)?.forEach((l) => l({ sender: 'ipc event' }, p));
    push({ runId: 'r1' });
    unsubscribe();
    push({ runId: 'r2' });
    expect(got).toEqual([{ runId: 'r1' }]);
    expect(bridge.listeners.get(IPC_PUSH_RUN)?.size).toBe(0);
  });

  it('delivers app commands to onCommand listeners until they unsubscribe, and only commands', () => {
    const api = bridge.exposed[0]![1] as {
      onCommand: (l: (c: unknown) => void) => () => void;
      onRun: (l: (p: unknown) => void) => () => void;
    };
    const commands: unknown[] = [];
    const runs: unknown[] = [];
    const offCommand = api.onCommand((c) => commands.push(c));
    const offRun = api.onRun((p) => runs.push(p));
    const push = (channel: string, value: unknown) => bridge.listeners.get(channel)?.forEach((l) => l({ sender: 'ipc event' }, value));
    push(IPC_PUSH_COMMAND, { kind: 'keyboard-map' });
    push(IPC_PUSH_RUN, { runId: 'r3' });
    offCommand();
    push(IPC_PUSH_COMMAND, { kind: 'new-run' });
    offRun();
    expect(commands).toEqual([{ kind: 'keyboard-map' }]);
    expect(runs).toEqual([{ runId: 'r3' }]);
    expect([...bridge.listeners.keys()].sort()).toEqual([IPC_PUSH_COMMAND, IPC_PUSH_RUN].sort());
    expect([...bridge.listeners.values()].every((set) => set.size === 0)).toBe(true);
  });
});
