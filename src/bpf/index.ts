/** @module The bpf layer's public names: codec, decode, assembler, disassembler, verifier, interpreter, JIT, generators. */

export { INSN_SIZE, decodeProgram, encodeProgram, insn } from './insn-codec.js';
export type { RawInsn } from './insn-codec.js';
export { BPF_MAXINSNS, BPF_MEMWORDS } from './opcodes.js';
export { aluCode, decodeInsn, decodeInsns, isCanonical, jmpCode } from './insn.js';
export type { AluOp, Insn, InsnKind, JmpOp, Src } from './insn.js';
export { assemble } from './asm.js';
export type { AsmOptions } from './asm.js';
export { FIELD_NAMES, fieldName, fieldOffset } from './asm-syntax.js';
export { disassemble } from './disasm.js';
export type { DisasmOptions } from './disasm.js';
export { SECCOMP_DATA_BYTES, formatVerifyError, verify } from './verify.js';
export type { VerifiedProgram, VerifyCode, VerifyError } from './verify.js';
export { MAX_INSNS_PER_PATH, PATH_PENALTY, ebpfInsnCount, ebpfLength } from './ebpf-length.js';
export type { ExecResult, Executor } from './executor.js';
export { interpret, interpreter } from './interpret.js';
export { jit, jitSource } from './jit.js';
export { randomProgram, randomValidProgram, rng } from './random-program.js';
export type { Rng, ValidOptions } from './random-program.js';
