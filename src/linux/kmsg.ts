/** @module The /dev/kmsg source: kernel log records with their sequence numbers, so overwritten and rate-limited records are counted. */

import { closeSync, constants, openSync, readSync } from 'node:fs';
import { fail } from '../errors.js';
import type { LogStream } from '../events/log-stream.js';
import { isAborted, pause, type SourceOptions } from '../events/log-source.js';

export const KMSG_PATH = '/dev/kmsg';

/**
 * Reads /dev/kmsg: each read(2) returns one record "prio,seq,usec,flags;text\n" plus continuation
 * lines; EAGAIN (O_NONBLOCK) means no more for now; EPIPE means the ring overwrote records since
 * the last read, and the next read returns the oldest left (Documentation/ABI/testing/dev-kmsg) —
 * the sequence gap is what LogStream counts as lost.
 */
export async function readKmsg(stream: LogStream, opts: SourceOptions, path = KMSG_PATH): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail({ code: 'linux/kmsg-open', message: `cannot open ${path}`, ...(code === undefined ? {} : { errno: code }), hint: 'reading the kernel log needs root or kernel.dmesg_restrict=0', cause: e });
  }
  const buf = Buffer.alloc(16 * 1024);
  let skipping = opts.fromNow === true;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue;
        if (code !== 'EAGAIN') throw fail({ code: 'linux/kmsg-read', message: `cannot read ${path}`, ...(code === undefined ? {} : { errno: code }), cause: e });
        if (skipping) {
          skipping = false;
          continue;
        }
        if (!opts.follow || isAborted(opts.signal)) return;
        await pause(opts.pollMs ?? 50, opts.signal);
        if (isAborted(opts.signal)) return;
        continue;
      }
      if (n === 0) return;
      const text = buf.toString('utf8', 0, n);
      if (skipping) {
        const m = /^\d+,(\d+),/.exec(text);
        if (m !== null) stream.kmsgSequence(Number(m[1])); // so the first new record is not a "gap"
        continue;
      }
      stream.push(text.endsWith('\n') ? text : `${text}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
