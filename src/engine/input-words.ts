/** @module The filter input words of a seccomp_data, written into one reused buffer: the allocation-free form of abi's seccompDataWords() for the evaluation loop. */

import type { SeccompData } from '../abi/seccomp-data.js';

/** Whether this host stores a u64 low half first, as seccompDataWords() lays the words out. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Writes `d` into a buffer it owns and returns its 16 words (the same values as
 * seccompDataWords(d); a property test checks that). A BigUint64Array store is several times
 * cheaper than splitting each bigint into halves, which dominated FilterStack.evaluate() in
 * bench/engine-stack.ts. The returned array is overwritten by the next call.
 */
export class InputWords {
  private readonly buf = new ArrayBuffer(64);
  private readonly u64 = new BigUint64Array(this.buf);
  private readonly view = new DataView(this.buf);
  private readonly words = new Uint32Array(this.buf);

  encode(d: SeccompData): Uint32Array {
    const w = this.words;
    w[0] = d.nr;
    w[1] = d.arch;
    const a = d.args;
    if (LITTLE_ENDIAN) {
      const q = this.u64;
      q[1] = d.ip;
      q[2] = a[0];
      q[3] = a[1];
      q[4] = a[2];
      q[5] = a[3];
      q[6] = a[4];
      q[7] = a[5];
    } else {
      const v = this.view;
      v.setBigUint64(8, d.ip, true);
      for (let i = 0; i < 6; i++) v.setBigUint64(16 + 8 * i, a[i]!, true);
      for (let i = 0; i < 16; i++) w[i] = v.getUint32(4 * i, true);
    }
    return w;
  }
}
