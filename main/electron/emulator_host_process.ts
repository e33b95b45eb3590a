// Entry of the emulator host utility process (started by utility_emulator_host.ts): serves
// record requests from the main process over Electron's parentPort.

import { record } from '../emulator_host/host.ts';
import type { HostRequest } from './emulator_host_protocol.ts';
import { RecordingServer } from './recording_server.ts';

const parent = process.parentPort;
const server = new RecordingServer({ postMessage: (reply) => parent.postMessage(reply) }, record);
parent.on('message', (e: Electron.MessageEvent) => server.handle(e.data as HostRequest));
