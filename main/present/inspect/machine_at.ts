// The live machine at an instant of a recording, for the inspectors: they read descriptor
// tables, page tables and stack memory, which the registers alone (SessionView.stateAt) do not
// carry. A TimeTravel of its own keeps one machine, built by the caller's builder; keeping a
// reference to what that builder made gives the machine as time travel left it. Queries run one
// after another, since they move that one machine.

import type { Machine } from '../../../emulator/machine/machine.ts';
import { rebuilder } from '../../emulator_host/machine_builders.ts';
import type { SessionClient } from '../../session/session_client.ts';
import { TimeTravel } from '../../session/time_travel.ts';

export class MachineAt {
  private travel: TimeTravel | null = null;
  private machine: Machine | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: SessionClient) {}

  /** Runs `read` on the machine at t (or later, if every CPU slept through t); a string says why there is none. */
  at<T>(t: number, read: (m: Machine) => T | Promise<T>): Promise<T | string> {
    const run = this.queue.then(async (): Promise<T | string> => {
      const travel = await this.timeTravel();
      if (typeof travel === 'string') return travel;
      try {
        await travel.stateAt(t);
      } catch (err) {
        if (err instanceof RangeError) return err.message;
        throw err;
      }
      return read(this.machine!);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async timeTravel(): Promise<TimeTravel | string> {
    if (this.travel !== null) return this.travel;
    const client = this.client;
    const [info, kernel, initrd] = await Promise.all([client.query('info'), client.query('input', 'kernel'), client.query('input', 'initrd')]);
    const build = rebuilder(info.config, { kernel, initrd });
    if (typeof build === 'string') return build;
    this.travel = new TimeTravel(
      { checkpoints: () => client.query('checkpoints'), checkpointBlob: (id) => client.query('checkpointBlob', id) },
      () => (this.machine = build()),
    );
    return this.travel;
  }
}
