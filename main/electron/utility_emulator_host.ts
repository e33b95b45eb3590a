// The emulator host in an Electron utilityProcess: the built emulator_host_process.js, started
// on the first run, so the machine and the recorder never share the main process's threads.

import { utilityProcess } from 'electron';
import { EmulatorHostClient } from './emulator_host_client.ts';
import type { HostReply, HostRequest } from './emulator_host_protocol.ts';

/** `entry`: the built emulator_host_process.js. */
export function utilityEmulatorHost(entry: string): EmulatorHostClient {
  return new EmulatorHostClient(() => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Faultline emulator', stdio: 'inherit' });
    // Requests made before the process is up wait for it rather than rely on Electron queueing them.
    let waiting: HostRequest[] | null = [];
    child.once('spawn', () => {
      const queued = waiting ?? [];
      waiting = null;
      for (const m of queued) child.postMessage(m);
    });
    return {
      postMessage: (message) => (waiting === null ? child.postMessage(message) : waiting.push(message)),
      onMessage: (listener) => void child.on('message', (reply: HostReply) => listener(reply)),
      onExit: (listener) => void child.on('exit', (code) => listener(code)),
      kill: () => void child.kill(),
    };
  });
}
