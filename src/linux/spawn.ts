/** @module Spawn a program with seccomp filters installed between fork and exec (native), resolving it on PATH first. */

import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { SeccompTraceError } from '../errors.js';
import { callNative, hostErrnoName, type NativeSpawned } from './native.js';

export interface SpawnFilter {
  readonly program: Uint8Array;
  /** SECCOMP_FILTER_FLAG_*; the one with NEW_LISTENER (8) yields the listener fd. */
  readonly flags: number;
}
export interface SpawnRequest {
  readonly command: string;
  readonly args: readonly string[];
  /** Default: this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Installed oldest first, after no_new_privs. */
  readonly filters: readonly SpawnFilter[];
}
export type Spawned = NativeSpawned;

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The path execve gets: as given when it has a slash, else the first executable match on PATH. */
export function resolveCommand(command: string, path: string | undefined, cwd: string): string {
  if (command.includes('/')) return isAbsolute(command) ? command : resolve(cwd, command);
  for (const dir of (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = resolve(cwd, join(dir === '' ? '.' : dir, command));
    if (isExecutableFile(p)) return p;
  }
  throw new SeccompTraceError({ code: 'linux/command-not-found', message: `${command}: command not found`, errno: 'ENOENT', hint: 'check the name or give a path' });
}

/** Forks, installs the filters, execs; returns pid, pidfd, listener fd (-1 if none) and the error pipe. */
export function spawnFiltered(req: SpawnRequest): Spawned {
  const env = req.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const file = resolveCommand(req.command, env['PATH'], cwd);
  const envList = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  return callNative('spawn', (a) => a.spawn({ file, argv: [req.command, ...req.args], env: envList, cwd, filters: req.filters }));
}

/** Reads the close-on-exec pipe: undefined once exec happened, else the failed step as an error. */
export function spawnFailure(command: string, errFd: number): SeccompTraceError | undefined {
  const e = callNative('spawn', (a) => a.spawnError(errFd));
  if (e === undefined) return undefined;
  return new SeccompTraceError({ code: 'linux/spawn-failed', message: `${command}: ${e.step} failed in the child`, errno: hostErrnoName(e.errno) });
}
