/** @module The audit.log source: reads a log file and, following, keeps reading across auditd's rotations. */

import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fail } from '../errors.js';
import type { LogStream } from '../events/log-stream.js';
import { isAborted, pause, type SourceOptions } from '../events/log-source.js';

export const AUDIT_LOG_PATH = '/var/log/audit/audit.log';

function openLog(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail({
      code: 'linux/log-open',
      message: `cannot open ${path}`,
      ...(code === undefined ? {} : { errno: code }),
      hint: code === 'ENOENT' ? 'is auditd running? give the log file as --source FILE' : 'reading audit logs needs root or the adm group',
      cause: e,
    });
  }
}

/**
 * Reads `path` from the start (or its end with fromNow). Following, it polls: new bytes are read as
 * they come; when the path names another file (auditd renamed audit.log to audit.log.1 and made a
 * new one: max_log_file_action = ROTATE) the old file is read to its end and the new one from 0;
 * a file that shrank (truncated) is read again from 0.
 */
/** Whether the chunk ends inside a UTF-8 sequence (so the decoder holds bytes for the next one). */
function trailingPartial(b: Uint8Array): number {
  for (let i = 1; i <= 3 && i <= b.length; i++) {
    const c = b[b.length - i]!;
    if (c < 0x80) return 0;
    if (c >= 0xc0) return (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > i ? i : 0;
  }
  return 0;
}

export async function readLogFile(stream: LogStream, opts: SourceOptions, path: string): Promise<void> {
  let fd = openLog(path);
  let ino = fstatSync(fd).ino;
  let pos = opts.fromNow === true ? fstatSync(fd).size : 0;
  const buf = Buffer.alloc(1 << 20);
  let decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = 0; // bytes of a UTF-8 sequence cut at the end of the last chunk, held by the decoder
  const drain = (): void => {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return;
      pos += n;
      const chunk = buf.subarray(0, n);
      // audit.log RAW is ASCII (the kernel hex-encodes other bytes): copy it as latin1, which is
      // exact for ASCII and much cheaper than UTF-8 decoding; anything else goes through the decoder.
      stream.push(pending === 0 && isAscii(chunk) ? chunk.toString('latin1') : decoder.decode(chunk, { stream: true }));
      pending = trailingPartial(chunk);
    }
  };
  try {
    for (;;) {
      drain();
      if (!opts.follow || isAborted(opts.signal)) break;
      await pause(opts.pollMs ?? 200, opts.signal);
      if (isAborted(opts.signal)) {
        drain();
        break;
      }
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // between auditd's rename and create
      }
      if (st.ino !== ino) {
        drain(); // what was written to the old file before the rotation
        stream.push(decoder.decode());
        stream.end();
        closeSync(fd);
        fd = openLog(path);
        ino = fstatSync(fd).ino;
        pos = 0;
        decoder = new TextDecoder('utf-8', { fatal: false });
        pending = 0;
      } else if (st.size < pos) {
        pos = 0;
      }
    }
    stream.push(decoder.decode());
    stream.end();
  } finally {
    closeSync(fd);
  }
}
