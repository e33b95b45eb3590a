// The one emulated machine a session view keeps for time travel: the registers at the playhead,
// stepping one CPU, and the inspectors (which read descriptor tables, page tables and stack
// memory, not only registers) all move it. Its queries run one after another, since each moves
// the machine; asking the registers and the inspectors for the same instant re-executes once.

import type { Machine } from '../../emulator/machine/machine.ts';
import { rebuilder } from '../emulator_host/machine_builders.ts';
import type { SessionClient } from '../session/session_client.ts';
import { TimeTravel } from '../session/time_travel.ts';

export class SessionMachine {
  private travel: TimeTravel | string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: SessionClient) {}

  /**
   * Runs `job` with this session's time travel, after the queries before it; a string says why
   * there is none (the machine cannot be rebuilt from what the file holds).
   */
  use<T>(job: (travel: TimeTravel) => Promise<T>): Promise<T | string> {
    const run = this.queue.then(async (): Promise<T | string> => {
      const travel = await this.timeTravel();
      return typeof travel === 'string' ? travel : job(travel);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `read` on the machine at t (or later, if every CPU slept through t); a string says why there is none. */
  at<T>(t: number, read: (m: Machine) => T | Promise<T>): Promise<T | string> {
    return this.use(async (travel) => {
      try {
        return await travel.readAt(t, read);
      } catch (err) {
        if (err instanceof RangeError) return err.message;
        throw err;
      }
    });
  }

  private async timeTravel(): Promise<TimeTravel | string> {
    if (this.travel !== null) return this.travel;
    const client = this.client;
    const [info, kernel, initrd] = await Promise.all([client.query('info'), client.query('input', 'kernel'), client.query('input', 'initrd')]);
    const build = rebuilder(info.config, { kernel, initrd });
    this.travel = typeof build === 'string' ? build
      : new TimeTravel({ checkpoints: () => client.query('checkpoints'), checkpointBlob: (id) => client.query('checkpointBlob', id) }, build);
    return this.travel;
  }
}
