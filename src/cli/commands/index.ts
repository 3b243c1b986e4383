/** @module The verb registry: every command in the order `--help` lists them, each loaded only when it runs (start-up time is import time). */

import type { CommandEntry } from '../command.js';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'asm', summary: 'assemble BPF text into raw sock_filter bytes', load: async () => (await import('./asm.js')).asmCommand },
  { name: 'disasm', summary: 'disassemble raw sock_filter bytes into annotated text', load: async () => (await import('./disasm.js')).disasmCommand },
  { name: 'verify', summary: "check programs with the kernel's seccomp filter rules", load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'syscalls', summary: 'print the syscall table of an arch, or look names and numbers up', load: async () => (await import('./syscalls.js')).syscallsCommand },
  { name: 'compile', summary: 'compile an OCI/Docker profile or a policy file to seccomp BPF', load: async () => (await import('./compile.js')).compileCommand },
  { name: 'sim', summary: 'simulate syscalls against a filter, profile or filter stack (linux or proposed semantics)', load: async () => (await import('./sim.js')).simCommand },
  { name: 'run', summary: 'run a program under a profile and report its seccomp events (no privilege needed)', load: async () => (await import('./run.js')).runCommand },
  { name: 'record', summary: 'run a program and write the profile that allows exactly the syscalls it made (no privilege needed)', load: async () => (await import('./record.js')).recordCommand },
  { name: 'logs', summary: 'read seccomp audit records from kmsg, netlink, audit.log, a file or stdin', load: async () => (await import('./logs.js')).logsCommand },
  { name: 'sysctl', summary: 'show kernel.seccomp.actions_avail/actions_logged, or set actions_logged', load: async () => (await import('./sysctl.js')).sysctlCommand },
];
