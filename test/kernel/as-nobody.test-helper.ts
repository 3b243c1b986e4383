/** @module Running the CLI as uid 65534 (setpriv): from the clone when that user can read it, else from an installed copy of the package. */

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN, REPO_ROOT } from '../fixtures/paths.js';

/** setpriv's arguments for uid/gid 65534 with no supplementary groups. */
export const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'] as const;

/**
 * The CLI path uid 65534 can run, and how to remove a copy made for it. The clone may sit in a
 * directory that user cannot enter (CI clones anywhere): then the runtime part of the package —
 * dist/cli, dist/src, the addon, profiles/, package.json — is copied to a readable directory.
 */
export function cliForNobody(): { bin: string; cleanup: () => void } {
  const addon = join(REPO_ROOT, 'build', 'Release', 'seccomptrace.node');
  if (spawnSync('setpriv', [...AS_NOBODY, 'sh', '-c', 'test -r "$0" && test -r "$1"', CLI_BIN, addon]).status === 0) {
    return { bin: CLI_BIN, cleanup: () => undefined };
  }
  const copy = mkdtempSync(join(tmpdir(), 'seccomptrace-pkg-'));
  chmodSync(copy, 0o755);
  const distRoot = join(CLI_BIN, '..', '..'); // dist/ (or dist-<x>/)
  for (const d of ['cli', 'src']) cpSync(join(distRoot, d), join(copy, 'dist', d), { recursive: true });
  cpSync(addon, join(copy, 'build', 'Release', 'seccomptrace.node'));
  cpSync(join(REPO_ROOT, 'profiles'), join(copy, 'profiles'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(copy, 'package.json'));
  execFileSync('chmod', ['-R', 'a+rX', copy]);
  return { bin: join(copy, 'dist', 'cli', 'seccomptrace.js'), cleanup: () => execFileSync('rm', ['-rf', copy]) };
}
