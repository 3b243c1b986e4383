/** @module struct seccomp_data (include/uapi/linux/seccomp.h): the filter's 64-byte input, and its codec. */

/** Syscall args and ip are 64-bit: bigint end to end. */
export interface SeccompData {
  /** As the filter sees it: u32 (nr −1 reads as 0xffffffff); x32 numbers carry 0x40000000. */
  readonly nr: number;
  /** AUDIT_ARCH_* value. */
  readonly arch: number;
  readonly ip: bigint;
  readonly args: readonly [bigint, bigint, bigint, bigint, bigint, bigint];
}

export const SECCOMP_DATA_SIZE = 64;

/** Byte offsets of each field (kernel layout, verified on 6.18: sizeof = 64). */
export const OFFSETS = { nr: 0, arch: 4, ip: 8, args: 16 } as const;

const U64 = (1n << 64n) - 1n;

export function makeSeccompData(nr: number, arch: number, args: readonly bigint[] = [], ip = 0n): SeccompData {
  const a = [0, 1, 2, 3, 4, 5].map((i) => BigInt.asUintN(64, args[i] ?? 0n)) as unknown as SeccompData['args'];
  return { nr: nr >>> 0, arch: arch >>> 0, ip: ip & U64, args: a };
}

/** Little-endian encoding, as on x86_64, aarch64, riscv64 (big-endian arches swap the arg halves). */
export function encodeSeccompData(d: SeccompData, littleEndian = true): Uint8Array {
  const buf = new Uint8Array(SECCOMP_DATA_SIZE);
  const v = new DataView(buf.buffer);
  v.setUint32(0, d.nr >>> 0, littleEndian);
  v.setUint32(4, d.arch >>> 0, littleEndian);
  v.setBigUint64(8, d.ip, littleEndian);
  d.args.forEach((a, i) => v.setBigUint64(16 + 8 * i, a, littleEndian));
  return buf;
}

export function decodeSeccompData(buf: Uint8Array, littleEndian = true): SeccompData {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const args = [0, 1, 2, 3, 4, 5].map((i) => v.getBigUint64(16 + 8 * i, littleEndian)) as unknown as SeccompData['args'];
  return { nr: v.getUint32(0, littleEndian), arch: v.getUint32(4, littleEndian), ip: v.getBigUint64(8, littleEndian), args };
}

/** The 16 u32 words a `LD W ABS k` can read (k = 4·i), little-endian: low half of each u64 first. */
export function seccompDataWords(d: SeccompData): Uint32Array {
  const w = new Uint32Array(16);
  w[0] = d.nr;
  w[1] = d.arch;
  w[2] = Number(d.ip & 0xffffffffn);
  w[3] = Number(d.ip >> 32n);
  for (let i = 0; i < 6; i++) {
    const a = d.args[i]!;
    w[4 + 2 * i] = Number(a & 0xffffffffn);
    w[5 + 2 * i] = Number(a >> 32n);
  }
  return w;
}
