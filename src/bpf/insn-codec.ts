/** @module struct sock_filter (8 bytes, little-endian: u16 code, u8 jt, u8 jf, u32 k) ↔ raw instructions. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** One undecoded instruction, exactly as the kernel receives it. */
export interface RawInsn {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

export const INSN_SIZE = 8;

export function insn(code: number, k = 0, jt = 0, jf = 0): RawInsn {
  return { code: code & 0xffff, jt: jt & 0xff, jf: jf & 0xff, k: k >>> 0 };
}

export function encodeProgram(prog: readonly RawInsn[]): Uint8Array {
  const buf = new Uint8Array(prog.length * INSN_SIZE);
  const v = new DataView(buf.buffer);
  prog.forEach((i, n) => {
    const o = n * INSN_SIZE;
    v.setUint16(o, i.code, true);
    v.setUint8(o + 2, i.jt);
    v.setUint8(o + 3, i.jf);
    v.setUint32(o + 4, i.k >>> 0, true);
  });
  return buf;
}

/** Decodes raw bytes; a length that is not a multiple of 8 is an error (a truncated file). */
export function decodeProgram(bytes: Uint8Array): Result<RawInsn[], SeccompTraceError> {
  if (bytes.length % INSN_SIZE !== 0) {
    return err(
      fail({
        code: 'bpf/truncated',
        message: `program is ${bytes.length} bytes, not a multiple of 8 (struct sock_filter); the last instruction is truncated`,
        hint: 'pass a raw sock_filter array (seccomptrace asm writes one)',
      }),
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: RawInsn[] = [];
  for (let o = 0; o < bytes.length; o += INSN_SIZE) {
    out.push({ code: v.getUint16(o, true), jt: v.getUint8(o + 2), jf: v.getUint8(o + 3), k: v.getUint32(o + 4, true) });
  }
  return ok(out);
}
