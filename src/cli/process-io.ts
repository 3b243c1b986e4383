/** @module The real process's I/O for the CLI (the only place besides bin.ts that touches `process`). */

import { writeSync } from 'node:fs';
import type { CliIo } from './command.js';

/**
 * Writes straight to the file descriptor, as node's own stdout does for files and pipes on Linux
 * (synchronously), without building process.stdout: its stream classes cost a one-case `sim`
 * about 2 ms of start-up. A descriptor someone left non-blocking (EAGAIN) hands this and every
 * later write to the stream, so order is kept. A reader that went away (`| head`, EPIPE) ends a
 * stdout writer's process quietly with 0, as before; a gone stderr reader just drops the text.
 */
function fdWriter(fd: 1 | 2): (data: string | Uint8Array) => void {
  let stream: NodeJS.WriteStream | undefined;
  const epipe = (): void => {
    if (fd === 1) process.exit(0);
  };
  const viaStream = (data: Uint8Array): void => {
    if (stream === undefined) {
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') epipe();
        else throw e;
      });
    }
    stream.write(data);
  };
  return (data) => {
    let buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (stream !== undefined) return viaStream(buf);
    while (buf.length > 0) {
      try {
        buf = buf.subarray(writeSync(fd, buf));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return viaStream(buf);
        if (code === 'EPIPE') return epipe();
        throw e;
      }
    }
  };
}

export function processIo(): CliIo {
  const out = fdWriter(1);
  const err = fdWriter(2);
  return {
    stdout: out,
    stderr: err,
    stdoutBytes: out,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    stdinChunks: () => process.stdin as AsyncIterable<Buffer>,
    cwd: process.cwd(),
    env: process.env,
    // A getter: asking builds process.stderr, which only the verbs with live counters need.
    get isTTY() {
      return process.stderr.isTTY === true;
    },
  };
}
