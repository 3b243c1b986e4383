/** @module A PROFILE as a `sim` target: an OCI/Docker JSON file, a policy file, or a built-in name, compiled for one arch. */

import type { ArchInfo } from '../../abi/arch.js';
import type { RawInsn } from '../../bpf/insn-codec.js';
import { fail } from '../../errors.js';

/**
 * Compiles a profile through src/policy. Until the profile compiler is in this build, a target
 * that is not .bpf or .s is refused with a line saying what works.
 */
export function compileProfileTarget(_path: string, shown: string, _arch: ArchInfo): RawInsn[] {
  throw fail({
    code: 'cli/unknown-target',
    where: shown,
    message: 'not a .bpf or .s file, and profiles are not supported by this build yet',
    hint: 'pass a .bpf or .s file, or --stack STACK.json',
  });
}
