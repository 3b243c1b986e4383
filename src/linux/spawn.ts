/** @module Spawn a program with seccomp filters installed between fork and exec (native), resolving it on PATH first. */

import { accessSync, close as fsClose, constants as fsConstants, read as fsRead, statSync } from 'node:fs';
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

/** spawn.c's STEP_* numbering of the child's steps before exec. */
const SPAWN_STEPS = ['ok', 'sigmask', 'chdir', 'no_new_privs', 'seccomp', 'execve'] as const;

/**
 * Reads the close-on-exec error pipe off the JS thread (exec itself may need an answer from the
 * supervisor): undefined once exec happened (EOF), else the failed step as an error. Closes the fd.
 */
export function readSpawnFailure(command: string, errFd: number): Promise<SeccompTraceError | undefined> {
  return new Promise((resolve) => {
    const buf = Buffer.alloc(8);
    fsRead(errFd, buf, 0, 8, null, (e, n) => {
      fsClose(errFd, () => undefined);
      if (e !== null || n !== 8) return resolve(undefined);
      const step = SPAWN_STEPS[buf.readInt32LE(0)] ?? 'an unknown step';
      resolve(new SeccompTraceError({ code: 'linux/spawn-failed', message: `${command}: ${step} failed in the child`, errno: hostErrnoName(buf.readInt32LE(4)) }));
    });
  });
}
