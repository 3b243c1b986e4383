/* @module The hand-written syscall entry points declared in raw-syscall.h (x86_64 only). */
#include "raw-syscall.h"

#if !defined(__x86_64__)
#error "seccomptrace's native probe supports x86_64 hosts only"
#endif

/* System V AMD64 calling convention: nr=rdi a0=rsi a1=rdx a2=rcx a3=r8 a4=r9 a5=8(%rsp).
 * Linux x86_64 syscall convention (arch/x86/entry/entry_64.S): rax, rdi rsi rdx r10 r8 r9.
 * i386 int $0x80 convention (arch/x86/entry/entry_64_compat.S): eax, ebx ecx edx esi edi ebp. */
__asm__(
    ".text\n"
    ".globl st_raw_syscall64\n .hidden st_raw_syscall64\n .type st_raw_syscall64,@function\n"
    "st_raw_syscall64:\n"
    "  mov %rdi, %rax\n"
    "  mov %rsi, %rdi\n"
    "  mov %rdx, %rsi\n"
    "  mov %rcx, %rdx\n"
    "  mov %r8, %r10\n"
    "  mov %r9, %r8\n"
    "  mov 8(%rsp), %r9\n"
    "  syscall\n"
    ".globl st_ip_syscall64\n .hidden st_ip_syscall64\n"
    "st_ip_syscall64:\n"
    "  ret\n"
    ".size st_raw_syscall64, .-st_raw_syscall64\n"

    ".globl st_raw_int80\n .hidden st_raw_int80\n .type st_raw_int80,@function\n"
    "st_raw_int80:\n"
    "  push %rbx\n"
    "  push %rbp\n"
    "  mov %rdi, %rax\n"
    "  mov %rsi, %rbx\n"
    "  mov %rcx, %r11\n"  /* a2 → edx, a1 → ecx: swap through r11 */
    "  mov %rdx, %rcx\n"
    "  mov %r11, %rdx\n"
    "  mov %r8, %rsi\n"
    "  mov %r9, %rdi\n"
    "  mov 24(%rsp), %rbp\n" /* a5: past two pushes and the return address */
    "  int $0x80\n"
    ".globl st_ip_int80\n .hidden st_ip_int80\n"
    "st_ip_int80:\n"
    "  movslq %eax, %rax\n" /* a 32-bit task sees eax; sign-extend so -errno reads as negative */
    "  pop %rbp\n"
    "  pop %rbx\n"
    "  ret\n"
    ".size st_raw_int80, .-st_raw_int80\n"

    /* st_clone_thread(flags=rdi, stack_top=rsi, fn=rdx, arg=rcx, ctid=r8):
     * clone(flags, newsp, parent_tid, child_tid, tls) = rdi rsi rdx r10 r8 on x86_64. */
    ".globl st_clone_thread\n .hidden st_clone_thread\n .type st_clone_thread,@function\n"
    "st_clone_thread:\n"
    "  and $-16, %rsi\n"
    "  sub $16, %rsi\n"
    "  mov %rdx, 0(%rsi)\n"
    "  mov %rcx, 8(%rsi)\n"
    "  mov %r8, %r10\n"
    "  xor %edx, %edx\n"
    "  xor %r8d, %r8d\n"
    "  mov $56, %eax\n" /* __NR_clone */
    "  syscall\n"
    "  test %rax, %rax\n"
    "  jnz 1f\n"
    "  pop %rax\n"
    "  pop %rdi\n"
    "  call *%rax\n"
    "  mov $60, %eax\n" /* __NR_exit: this thread only */
    "  xor %edi, %edi\n"
    "  syscall\n"
    "2: jmp 2b\n"
    "1: ret\n"
    ".size st_clone_thread, .-st_clone_thread\n");
