/* @module Syscall instructions at known addresses (x86_64 `syscall`, compat `int $0x80`) and a raw
 * thread clone, for the probe child, which must control exactly which instruction traps. */
#ifndef SECCOMPTRACE_RAW_SYSCALL_H
#define SECCOMPTRACE_RAW_SYSCALL_H
#include <stdint.h>

/* nr in rax, args in rdi rsi rdx r10 r8 r9 (x86_64 ABI, also x32 with nr|0x40000000). */
int64_t st_raw_syscall64(int64_t nr, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5);
/* i386 ABI through int $0x80: nr in eax, args in ebx ecx edx esi edi ebp; result is eax. */
int64_t st_raw_int80(int64_t nr, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5);
/* Labels placed right after each instruction: the instruction_pointer seccomp_data reports
 * (kernel/seccomp.c populate_seccomp_data: instruction_pointer(regs) = the address after the insn). */
extern const char st_ip_syscall64[];
extern const char st_ip_int80[];
/* clone(flags, stack_top) running fn(arg) on the new stack, then exit(0) (only that thread). */
int64_t st_clone_thread(uint64_t flags, void *stack_top, void (*fn)(void *), void *arg, volatile int32_t *ctid);
#endif
