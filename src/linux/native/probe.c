/* @module The kernel probe: fork a pure-C child, install filters, make one syscall from a known
 * address, and report what the kernel did through a MAP_SHARED page (see PROBE-API.md). */
#define _GNU_SOURCE
#include "common.h"
#include "raw-syscall.h"
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILTERS 512
#define TIMEOUT_MS 2000
#define X32_SYSCALL_BIT 0x40000000LL /* arch/x86/include/uapi/asm/unistd.h */

enum abi { ABI_X86_64 = 0, ABI_X86 = 1, ABI_X32 = 2 };

/* Everything the child needs, built before fork (the child only reads it). */
struct request {
  uint32_t nfilters;
  struct sock_fprog progs[MAX_FILTERS];
  uint32_t flags[MAX_FILTERS];
  int has_syscall, in_thread, abi;
  int64_t nr, args[6];
};

/* The report page; the child writes it, the parent reads it after the child is gone. */
struct shared {
  volatile int32_t done, reached, skipped, returned, trapped, thread_reported;
  volatile int32_t thread_alive; /* CLONE_CHILD_CLEARTID word: the kernel zeroes it at thread exit */
  int64_t retval;
  int32_t t_errno, t_syscall, t_code; /* siginfo of the SIGSYS (TRAP) */
  uint32_t t_arch;
  int32_t inst_errno[MAX_FILTERS];
  int64_t inst_ret[MAX_FILTERS];
};

static struct shared *g_page;          /* the child's view; set before each fork */
static const struct request *g_req;
static char g_thread_stack[1 << 16] __attribute__((aligned(64)));

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  /* A trap after the report (the filter trapping exit or exit_group on the way out) must not
   * overwrite the result: the parent already has what it needs and will SIGKILL us. */
  if (__atomic_load_n(&g_page->thread_reported, __ATOMIC_SEQ_CST))
    for (;;) __builtin_ia32_pause();
  g_page->t_errno = si->si_errno;
  g_page->t_syscall = si->si_syscall;
  g_page->t_arch = si->si_arch;
  g_page->t_code = si->si_code;
  __atomic_store_n(&g_page->trapped, 1, __ATOMIC_SEQ_CST);
  /* Never return: returning calls rt_sigreturn, which a filter that traps everything traps again
   * while SIGSYS is blocked, and a blocked forced SIGSYS kills the process (kernel/signal.c
   * force_sig_info_to_task). Report and stop here instead. */
  __atomic_store_n(&g_page->thread_reported, 1, __ATOMIC_SEQ_CST);
  if (!g_req->in_thread) __atomic_store_n(&g_page->done, 1, __ATOMIC_SEQ_CST);
  for (;;) __builtin_ia32_pause();
}

/* Runs in the child (main thread, or the extra thread for inThread): async-signal-safe calls only. */
static void install_and_call(void *unused) {
  (void)unused;
  const struct request *r = g_req;
  int failed = 0;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) failed = 1;
  for (uint32_t i = 0; i < r->nfilters; i++) {
    errno = 0;
    long ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, r->flags[i], &r->progs[i]);
    g_page->inst_ret[i] = ret;
    g_page->inst_errno[i] = ret < 0 ? errno : 0;
    g_page->reached = (int32_t)i + 1;
    if (ret < 0) failed = 1;
  }
  if (failed) {
    g_page->skipped = 1;
  } else if (r->has_syscall) {
    const int64_t *a = r->args;
    int64_t ret;
    if (r->abi == ABI_X86)
      ret = st_raw_int80(r->nr, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3],
                         (uint32_t)a[4], (uint32_t)a[5]);
    else
      ret = st_raw_syscall64(r->abi == ABI_X32 ? (r->nr | X32_SYSCALL_BIT) : r->nr, a[0], a[1], a[2],
                             a[3], a[4], a[5]);
    g_page->retval = ret;
    g_page->returned = 1;
  }
  __atomic_store_n(&g_page->thread_reported, 1, __ATOMIC_SEQ_CST);
}

static __attribute__((noreturn)) void child_main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGSYS);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* KILL_* forces a core dump attempt; a non-dumpable task skips it */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  if (g_req->in_thread) {
    /* The thread installs the filters itself (filters and no_new_privs are per task), so a
     * KILL_THREAD ends only it and this thread, which has no filter, observes that. */
    g_page->thread_alive = 1;
    uint64_t flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                     CLONE_CHILD_CLEARTID;
    if (st_clone_thread(flags, g_thread_stack + sizeof g_thread_stack, install_and_call, NULL,
                        &g_page->thread_alive) < 0)
      _exit(120);
    while (!__atomic_load_n(&g_page->thread_reported, __ATOMIC_SEQ_CST) &&
           __atomic_load_n(&g_page->thread_alive, __ATOMIC_SEQ_CST) != 0)
      __builtin_ia32_pause();
  } else {
    install_and_call(NULL);
  }
  __atomic_store_n(&g_page->done, 1, __ATOMIC_SEQ_CST);
  syscall(SYS_exit_group, 0); /* may be denied by the filter; then spin until the parent kills us */
  for (;;) __builtin_ia32_pause();
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A child in flight: a few run at once so one child's teardown overlaps the next fork. */
#define SLOTS 4
struct slot {
  int active;
  pid_t pid;
  int pidfd; /* -1 if pidfd_open is unavailable: then waitpid(WNOHANG) polling */
  uint32_t index;
  int64_t deadline;
  struct request *req;
  struct shared *page;
};

/* 1 once the child reported or died, 0 while it runs. */
static int slot_ready(const struct slot *s) {
  if (__atomic_load_n(&s->page->done, __ATOMIC_SEQ_CST)) return 1;
  siginfo_t si;
  memset(&si, 0, sizeof si);
  return waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == s->pid;
}

/* Waits (≤1 ms) for any active slot's pidfd; the done flag is polled by the caller. */
static void wait_any(const struct slot *slots) {
  struct pollfd p[SLOTS];
  int n = 0;
  for (int i = 0; i < SLOTS; i++)
    if (slots[i].active && slots[i].pidfd >= 0) p[n++] = (struct pollfd){.fd = slots[i].pidfd, .events = POLLIN};
  if (n > 0) poll(p, n, 1);
  else {
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
}

static napi_value outcome_value(napi_env env, const struct request *r, const struct shared *pg, int status) {
  napi_value o;
  napi_create_object(env, &o);
  if (pg->done && r->in_thread && !pg->thread_reported) {
    /* The thread vanished without reporting; only seccomp can end it here (KILL_THREAD → SIGSYS). */
    st_set_str(env, o, "kind", "killed");
    st_set_int(env, o, "signal", SIGSYS);
    st_set_bool(env, o, "thread", 1);
  } else if (pg->done && pg->trapped) {
    st_set_str(env, o, "kind", "trap");
    st_set_int(env, o, "siErrno", pg->t_errno);
    st_set_int(env, o, "siSyscall", pg->t_syscall);
    st_set_int(env, o, "siArch", pg->t_arch);
    st_set_int(env, o, "siCode", pg->t_code);
  } else if (pg->done && pg->skipped) {
    st_set_str(env, o, "kind", "skipped");
  } else if (pg->done && pg->returned) {
    st_set_str(env, o, "kind", "returned");
    st_set(env, o, "value", st_bigint(env, pg->retval));
  } else if (pg->done) {
    return NULL; /* no syscall requested */
  } else if (WIFSIGNALED(status)) {
    st_set_str(env, o, "kind", "killed");
    st_set_int(env, o, "signal", WTERMSIG(status));
    st_set_bool(env, o, "thread", 0);
  } else {
    st_set_str(env, o, "kind", "exited");
    st_set_int(env, o, "status", WEXITSTATUS(status));
  }
  return o;
}

/* Forks the child for the slot's request; 0 or -1 with an exception pending. */
static int slot_start(napi_env env, struct slot *s, uint32_t index) {
  memset(s->page, 0, sizeof *s->page);
  g_page = s->page;
  g_req = s->req;
  pid_t pid = fork();
  if (pid < 0) {
    st_throw(env, "linux/probe-fork", errno, "fork", "probe");
    return -1;
  }
  if (pid == 0) child_main();
  s->active = 1;
  s->pid = pid;
  s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  s->index = index;
  s->deadline = now_ms() + TIMEOUT_MS;
  return 0;
}

/* Kills and reaps the slot's child (it may deny exit_group, so it is killed once the report is in). */
static int slot_reap(struct slot *s) {
  kill(s->pid, SIGKILL);
  int status = 0;
  while (waitpid(s->pid, &status, __WALL) < 0 && errno == EINTR) {
  }
  if (s->pidfd >= 0) close(s->pidfd);
  s->active = 0;
  return status;
}

/* Builds the JS result of a finished slot; NULL with an exception pending on timeout. */
static napi_value slot_result(napi_env env, struct slot *s, int timed_out) {
  const struct request *r = s->req;
  struct shared *page = s->page;
  int status = slot_reap(s);
  if (timed_out && !page->done) {
    char step[64];
    snprintf(step, sizeof step, "request %u (no report within %d ms)", s->index, TIMEOUT_MS);
    return st_throw(env, "linux/probe-timeout", ETIMEDOUT, "probe", step);
  }
  napi_value res, installs;
  napi_create_object(env, &res);
  napi_create_array_with_length(env, r->nfilters, &installs);
  for (uint32_t i = 0; i < r->nfilters; i++) {
    napi_value inst;
    napi_create_object(env, &inst);
    int reached = (int32_t)i < page->reached;
    st_set_int(env, inst, "errno", reached ? page->inst_errno[i] : -1); /* -1: not attempted */
    st_set_int(env, inst, "ret", reached ? page->inst_ret[i] : -1);
    napi_set_element(env, installs, i, inst);
  }
  st_set(env, res, "installs", installs);
  if (r->has_syscall || !page->done) {
    napi_value o = outcome_value(env, r, page, status);
    if (o != NULL) st_set(env, res, "outcome", o);
  }
  const char *ip = r->abi == ABI_X86 ? st_ip_int80 : st_ip_syscall64;
  st_set(env, res, "ip", st_ubigint(env, (uint64_t)(uintptr_t)ip));
  return res;
}

/* Parses one {filters:[{program,flags}], syscall?:{nr,args:bigint[6],abi,inThread}} object. */
static int parse_request(napi_env env, napi_value v, struct request *r) {
  memset(r, 0, sizeof *r);
  napi_value filters, sc;
  uint32_t n;
  if (napi_get_named_property(env, v, "filters", &filters) != napi_ok ||
      napi_get_array_length(env, filters, &n) != napi_ok) {
    st_throw_arg(env, "argument check (filters must be an array)");
    return -1;
  }
  if (n > MAX_FILTERS) {
    st_throw_arg(env, "argument check (more than 512 filters in one request)");
    return -1;
  }
  r->nfilters = n;
  for (uint32_t i = 0; i < n; i++) {
    napi_value f, prog;
    int64_t flags;
    uint8_t *bytes;
    size_t len;
    napi_get_element(env, filters, i, &f);
    if (napi_get_named_property(env, f, "program", &prog) != napi_ok) return -1;
    if (st_get_bytes(env, prog, &bytes, &len) != 0 || st_get_i64(env, f, "flags", &flags) != 0) return -1;
    r->progs[i].len = (unsigned short)(len / 8 > 0xffff ? 0xffff : len / 8);
    r->progs[i].filter = (struct sock_filter *)bytes; /* stays valid for this synchronous call */
    r->flags[i] = (uint32_t)flags;
  }
  if (!st_has(env, v, "syscall")) return 0;
  napi_get_named_property(env, v, "syscall", &sc);
  int64_t abi = 0, in_thread = 0;
  if (st_get_i64(env, sc, "nr", &r->nr) != 0 || st_get_i64(env, sc, "abi", &abi) != 0 ||
      st_get_i64(env, sc, "inThread", &in_thread) != 0)
    return -1;
  napi_value args;
  uint32_t na;
  if (napi_get_named_property(env, sc, "args", &args) != napi_ok ||
      napi_get_array_length(env, args, &na) != napi_ok || na > 6) {
    st_throw_arg(env, "argument check (syscall.args must be an array of at most 6 bigints)");
    return -1;
  }
  for (uint32_t i = 0; i < na; i++) {
    napi_value a;
    uint64_t u;
    napi_get_element(env, args, i, &a);
    if (st_get_u64_bigint(env, a, &u) != 0) return -1;
    r->args[i] = (int64_t)u;
  }
  r->has_syscall = 1;
  r->abi = (int)abi;
  r->in_thread = in_thread != 0;
  return 0;
}

napi_value st_probe_batch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  uint32_t n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok)
    return st_throw_arg(env, "argument check (probeBatch takes an array of requests)");
  struct slot slots[SLOTS];
  memset(slots, 0, sizeof slots);
  size_t pages_len = SLOTS * sizeof(struct shared);
  struct shared *pages = mmap(NULL, pages_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return st_throw(env, "linux/probe-mmap", errno, "mmap", "probe report pages");
  int ok = 1;
  for (int i = 0; i < SLOTS; i++) {
    slots[i].page = &pages[i];
    slots[i].req = malloc(sizeof(struct request)); /* the parent reads it again to build the result */
    if (slots[i].req == NULL) ok = 0;
  }
  if (!ok) st_throw(env, "linux/probe-alloc", ENOMEM, "malloc", "probe request");
  napi_create_array_with_length(env, n, &out);
  uint32_t next = 0, finished = 0;
  while (ok && finished < n) {
    for (int i = 0; ok && i < SLOTS && next < n; i++) {
      if (slots[i].active) continue;
      napi_value v;
      napi_get_element(env, argv[0], next, &v);
      if (parse_request(env, v, slots[i].req) != 0 || slot_start(env, &slots[i], next) != 0) ok = 0;
      else next++;
    }
    if (!ok) break;
    wait_any(slots);
    int64_t now = now_ms();
    for (int i = 0; ok && i < SLOTS; i++) {
      if (!slots[i].active) continue;
      int timed_out = now > slots[i].deadline;
      if (!timed_out && !slot_ready(&slots[i])) continue;
      napi_value res = slot_result(env, &slots[i], timed_out);
      if (res == NULL) ok = 0;
      else {
        napi_set_element(env, out, slots[i].index, res);
        finished++;
      }
    }
  }
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].active) slot_reap(&slots[i]); /* after an error: leave no child behind */
    free(slots[i].req);
  }
  munmap(pages, pages_len);
  return ok ? out : NULL;
}

napi_value st_probe_ip(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t abi = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int64(env, argv[0], &abi);
  return st_ubigint(env, (uint64_t)(uintptr_t)(abi == ABI_X86 ? st_ip_int80 : st_ip_syscall64));
}
