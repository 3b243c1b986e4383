/** @module The assembler's vocabulary, shared by asm and disasm: seccomp_data field names and jump mnemonics. */

import type { JmpOp } from './insn.js';

/**
 * `ld nr`, `ld args[2].hi`, …: the u32 words of struct seccomp_data (include/uapi/linux/seccomp.h;
 * 64-bit fields little-endian, low word first as on x86_64). Offsets not listed are written `[k]`.
 */
const FIELDS: readonly (readonly [string, number])[] = [
  ['nr', 0],
  ['arch', 4],
  ['ip', 8],
  ['ip.hi', 12],
  ...[0, 1, 2, 3, 4, 5].flatMap((i): [string, number][] => [
    [`args[${i}]`, 16 + 8 * i],
    [`args[${i}].hi`, 20 + 8 * i],
  ]),
];

const FIELD_BY_NAME = new Map<string, number>(FIELDS);
const FIELD_BY_OFFSET = new Map<number, string>(FIELDS.map(([n, o]) => [o, n]));

/** The offset of a field name (`args[0].lo` is accepted for `args[0]`, `ip.lo` for `ip`). */
export function fieldOffset(name: string): number | undefined {
  return FIELD_BY_NAME.get(name.replace(/\.lo$/, ''));
}

/** The field a `LD W ABS k` reads, or undefined (misaligned, past seccomp_data). */
export function fieldName(offset: number): string | undefined {
  return FIELD_BY_OFFSET.get(offset);
}

export const FIELD_NAMES: readonly string[] = FIELDS.map(([n]) => n);

/**
 * Conditional-jump mnemonics. The negated forms (`jne`, `jle`, `jlt`, `jnset`) are the same
 * opcode with jt and jf swapped: `jne #k, L` is `jeq #k, +0, L`.
 */
export const JUMPS: Readonly<Record<string, { readonly op: JmpOp; readonly negated: boolean }>> = {
  jeq: { op: 'jeq', negated: false },
  jgt: { op: 'jgt', negated: false },
  jge: { op: 'jge', negated: false },
  jset: { op: 'jset', negated: false },
  jne: { op: 'jeq', negated: true },
  jle: { op: 'jgt', negated: true },
  jlt: { op: 'jge', negated: true },
  jnset: { op: 'jset', negated: true },
};

export const NEGATED_NAME: Readonly<Record<JmpOp, string>> = { jeq: 'jne', jgt: 'jle', jge: 'jlt', jset: 'jnset' };

/** How a compare reads in a comment: `==`, `>`, `>=`, `&`. */
export const JUMP_SYMBOL: Readonly<Record<JmpOp, readonly [string, string]>> = {
  jeq: ['==', '!='],
  jgt: ['>', '<='],
  jge: ['>=', '<'],
  jset: ['&', '!&'],
};
