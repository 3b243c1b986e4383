/** @module Runs the CLI in-process with captured output, for tests. */

import { main } from './main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly bytes: Uint8Array;
}

export async function runCli(argv: readonly string[], opts: { cwd?: string; stdin?: Uint8Array; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const bytes: Uint8Array[] = [];
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdoutBytes: (b) => void bytes.push(b),
    readStdin: async () => opts.stdin ?? new Uint8Array(),
    stdinChunks: async function* () {
      if (opts.stdin !== undefined) yield opts.stdin;
    },
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    isTTY: false,
  });
  const total = bytes.reduce((n, b) => n + b.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const b of bytes) {
    all.set(b, o);
    o += b.length;
  }
  return { code, stdout, stderr, bytes: all };
}
