// Entry of every worker thread started from TypeScript sources (tests, the CLI): registers tsx in
// the worker, which does not inherit the parent's loader, then runs the real entry module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
