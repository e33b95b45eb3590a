// Starts a worker thread on a module of this code base, whether it runs from TypeScript sources
// (through worker_bootstrap.mjs) or from a build where the entry is already JavaScript.

import { Worker, type TransferListItem } from 'node:worker_threads';

export function startWorker(entry: URL, data: Record<string, unknown> = {}, transferList: TransferListItem[] = []): Worker {
  if (entry.pathname.endsWith('.ts')) {
    return new Worker(new URL('./worker_bootstrap.mjs', import.meta.url), { workerData: { ...data, entry: entry.href }, transferList });
  }
  return new Worker(entry, { workerData: data, transferList });
}
