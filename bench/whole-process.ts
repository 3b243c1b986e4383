/** @module Timing whole processes for the benches: median wall time of each command, run in turns (one of each per round) so that drift hits all alike. */

import { spawnSync } from 'node:child_process';

/** Each command is `[file, ...args]`; a non-zero exit is a broken bench, not a figure. */
export function medianWallInTurns(cmds: readonly (readonly string[])[], rounds: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const ts: number[][] = cmds.map(() => []);
  for (let r = 0; r < rounds; r++) {
    cmds.forEach(([file, ...args], i) => {
      const t0 = process.hrtime.bigint();
      const res = spawnSync(file!, args, { stdio: 'ignore', env });
      if (res.status !== 0) throw new Error(`internal: ${[file, ...args].join(' ')} exited ${res.status}`);
      ts[i]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return ts.map((t) => t.sort((a, b) => a - b)[Math.floor(rounds / 2)]!);
}
