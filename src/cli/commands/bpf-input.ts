/** @module Reads the program files the asm, disasm and verify verbs take: `.bpf` bytes or `.s` text, `-` for stdin. */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assemble } from '../../bpf/asm.js';
import { decodeProgram, type RawInsn } from '../../bpf/insn-codec.js';
import { fail } from '../../errors.js';
import type { CliIo } from '../command.js';

/** The bytes of FILE (relative to the cwd), or stdin for `-`; a missing file is one clear error. */
export async function readInput(file: string, io: CliIo): Promise<Uint8Array> {
  if (file === '-') return io.readStdin();
  try {
    return new Uint8Array(readFileSync(resolve(io.cwd, file)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail({
      code: 'cli/cannot-read',
      where: file,
      message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : 'cannot read it',
      ...(code === undefined ? {} : { errno: code }),
    });
  }
}

/** A program from a `.s` file (assembled) or raw sock_filter bytes (anything else). */
export async function readProgram(file: string, io: CliIo): Promise<RawInsn[]> {
  const bytes = await readInput(file, io);
  if (file.endsWith('.s')) {
    const r = assemble(new TextDecoder().decode(bytes), { file });
    if (!r.ok) throw r.error;
    return r.value;
  }
  const r = decodeProgram(bytes);
  if (!r.ok) throw r.error.at(file);
  return r.value;
}
