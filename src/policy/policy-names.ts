/**
 * @module Names the policy language accepts in conditions: argument names of common syscalls and flag
 * constants. One table each, used to parse and to print.
 */

/**
 * Argument positions from the syscall prototypes (include/linux/syscalls.h); clone's order is
 * x86_64's (kernel/fork.c, CONFIG_CLONE_BACKWARDS unset).
 */
export const ARG_NAMES: Readonly<Record<string, readonly string[]>> = {
  open: ['pathname', 'flags', 'mode'],
  openat: ['dirfd', 'pathname', 'flags', 'mode'],
  creat: ['pathname', 'mode'],
  socket: ['domain', 'type', 'protocol'],
  socketpair: ['domain', 'type', 'protocol', 'sv'],
  clone: ['flags', 'newsp', 'parent_tid', 'child_tid', 'tls'],
  unshare: ['flags'],
  setns: ['fd', 'nstype'],
  personality: ['persona'],
  mmap: ['addr', 'length', 'prot', 'flags', 'fd', 'offset'],
  mprotect: ['addr', 'length', 'prot'],
  ioctl: ['fd', 'request', 'arg'],
  fcntl: ['fd', 'cmd', 'arg'],
  prctl: ['option', 'arg2', 'arg3', 'arg4', 'arg5'],
  kill: ['pid', 'sig'],
  tgkill: ['tgid', 'tid', 'sig'],
  read: ['fd', 'buf', 'count'],
  write: ['fd', 'buf', 'count'],
  close: ['fd'],
  ptrace: ['request', 'pid', 'addr', 'data'],
};

/**
 * Flag constants (x86/generic values): include/uapi/asm-generic/fcntl.h (O_*), include/linux/socket.h
 * (AF_*), include/linux/net.h (SOCK_*), include/uapi/asm-generic/mman-common.h (PROT_*, MAP_*),
 * include/uapi/linux/sched.h (CLONE_*), include/uapi/asm-generic/signal.h (SIG*),
 * include/uapi/linux/personality.h.
 */
export const CONSTANTS: Readonly<Record<string, bigint>> = {
  O_RDONLY: 0x0n, O_WRONLY: 0x1n, O_RDWR: 0x2n, O_ACCMODE: 0x3n, O_CREAT: 0x40n, O_EXCL: 0x80n, O_NOCTTY: 0x100n,
  O_TRUNC: 0x200n, O_APPEND: 0x400n, O_NONBLOCK: 0x800n, O_DSYNC: 0x1000n, O_DIRECT: 0x4000n, O_LARGEFILE: 0x8000n,
  O_DIRECTORY: 0x10000n, O_NOFOLLOW: 0x20000n, O_NOATIME: 0x40000n, O_CLOEXEC: 0x80000n, O_PATH: 0x200000n, O_TMPFILE: 0x410000n,
  AF_UNIX: 1n, AF_INET: 2n, AF_INET6: 10n, AF_NETLINK: 16n, AF_PACKET: 17n, AF_BLUETOOTH: 31n, AF_ALG: 38n, AF_VSOCK: 40n,
  SOCK_STREAM: 1n, SOCK_DGRAM: 2n, SOCK_RAW: 3n, SOCK_SEQPACKET: 5n, SOCK_NONBLOCK: 0x800n, SOCK_CLOEXEC: 0x80000n,
  PROT_NONE: 0n, PROT_READ: 1n, PROT_WRITE: 2n, PROT_EXEC: 4n,
  MAP_SHARED: 0x1n, MAP_PRIVATE: 0x2n, MAP_FIXED: 0x10n, MAP_ANONYMOUS: 0x20n,
  CLONE_VM: 0x100n, CLONE_FS: 0x200n, CLONE_FILES: 0x400n, CLONE_SIGHAND: 0x800n, CLONE_PTRACE: 0x2000n, CLONE_VFORK: 0x4000n,
  CLONE_PARENT: 0x8000n, CLONE_THREAD: 0x10000n, CLONE_NEWNS: 0x20000n, CLONE_SYSVSEM: 0x40000n, CLONE_SETTLS: 0x80000n,
  CLONE_NEWCGROUP: 0x2000000n, CLONE_NEWUTS: 0x4000000n, CLONE_NEWIPC: 0x8000000n, CLONE_NEWUSER: 0x10000000n,
  CLONE_NEWPID: 0x20000000n, CLONE_NEWNET: 0x40000000n, CLONE_IO: 0x80000000n,
  SIGHUP: 1n, SIGINT: 2n, SIGQUIT: 3n, SIGKILL: 9n, SIGUSR1: 10n, SIGSEGV: 11n, SIGUSR2: 12n, SIGTERM: 15n, SIGCHLD: 17n, SIGCONT: 18n, SIGSTOP: 19n,
  PER_LINUX: 0x0n, PER_LINUX32: 0x8n, UNAME26: 0x20000n, ADDR_NO_RANDOMIZE: 0x40000n, PERSONALITY_QUERY: 0xffffffffn,
};

/** The argument index for `name` in all of `syscalls`, or an explanation of why not. */
export function argIndex(name: string, syscalls: readonly string[]): number | string {
  const m = /^arg([0-5])$/.exec(name);
  if (m !== null) return Number(m[1]);
  let idx: number | undefined;
  for (const s of syscalls) {
    const i = ARG_NAMES[s]?.indexOf(name) ?? -1;
    if (i < 0) return `'${name}' is not an argument name of ${s}${ARG_NAMES[s] === undefined ? ' (no names known; use arg0..arg5)' : ` (it has ${ARG_NAMES[s]!.join(', ')})`}`;
    if (idx !== undefined && idx !== i) return `'${name}' is argument ${idx} of one syscall and ${i} of another; use arg0..arg5`;
    idx = i;
  }
  return idx ?? `'${name}': no syscall to look it up in; use arg0..arg5`;
}
