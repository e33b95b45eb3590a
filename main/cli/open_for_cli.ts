// Opens a session file for a CLI command in the worker-backed client, with the file's own
// errors passed on as one-line CLI errors.

import { SessionClient, type ClientOptions } from '../session/session_client.ts';
import { SessionFileError } from '../session/open_session.ts';
import { CliError } from './cli_error.ts';

/** Runs `body` on the session at `path`, opened for `command`, and always closes it. */
export async function withSession<T>(command: string, path: string, body: (client: SessionClient) => Promise<T>, options: ClientOptions = {}): Promise<T> {
  let client: SessionClient;
  try {
    client = await SessionClient.open(path, options);
  } catch (e) {
    if (e instanceof SessionFileError) throw new CliError(`${command}: ${e.message}`);
    throw e;
  }
  try {
    return await body(client);
  } catch (e) {
    if (e instanceof SessionFileError) throw new CliError(`${command}: ${e.message}`);
    if (e instanceof RangeError) throw new CliError(`${command}: ${e.message}`, 2);
    throw e;
  } finally {
    await client.close();
  }
}
