/* @module Spawn a program with seccomp filters installed between fork and exec; hand back pid,
 * pidfd and the listener fd (fetched with pidfd_getfd, so the child makes no extra syscall). */
#define _GNU_SOURCE
#include "common.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILTERS 64

/* What the child reports: through the shared page (listener fd, before exec) and the error pipe. */
struct spawn_page {
  volatile int32_t installed; /* set after the last filter is in; listener_fd is then valid */
  volatile int32_t fetched;   /* set by the parent once it holds its own copy of the listener */
  int32_t listener_fd;
};
struct child_error {
  int32_t step, err;
};
/* The numbering src/linux/spawn.ts SPAWN_STEPS decodes. */
enum { STEP_SIGMASK = 1, STEP_CHDIR, STEP_NNP, STEP_SECCOMP, STEP_EXEC };

struct spawn_req {
  char *file, *cwd;
  char **argv, **envp;
  uint32_t nfilters;
  struct sock_fprog progs[MAX_FILTERS];
  uint32_t flags[MAX_FILTERS];
};

static __attribute__((noreturn)) void child_fail(int fd, int step, int err) {
  struct child_error ce = {step, err};
  ssize_t w = write(fd, &ce, sizeof ce);
  (void)w;
  _exit(127);
}

/* After fork: async-signal-safe calls only, everything prepared by the parent. */
static __attribute__((noreturn)) void spawn_child(const struct spawn_req *r, struct spawn_page *page, int errfd) {
  sigset_t all;
  sigfillset(&all);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  /* Node ignores SIGPIPE and installs handlers; the target starts from the defaults, as after
   * a shell's exec. */
  for (int s = 1; s < NSIG; s++) sigaction(s, &dfl, NULL);
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) child_fail(errfd, STEP_SIGMASK, errno);
  /* stdio passes through: node may hold 0-2 close-on-exec; the target must inherit them. */
  for (int fd = 0; fd <= 2; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && (fl & FD_CLOEXEC)) fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
  }
  if (r->cwd != NULL && chdir(r->cwd) != 0) child_fail(errfd, STEP_CHDIR, errno);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(errfd, STEP_NNP, errno);
  int listener = -1;
  for (uint32_t i = 0; i < r->nfilters; i++) {
    long ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, r->flags[i], &r->progs[i]);
    if (ret < 0) child_fail(errfd, STEP_SECCOMP, errno);
    if (r->flags[i] & SECCOMP_FILTER_FLAG_NEW_LISTENER) listener = (int)ret;
  }
  page->listener_fd = listener;
  __atomic_store_n(&page->installed, 1, __ATOMIC_SEQ_CST);
  /* Wait, without a syscall (any may now be notified), until the parent fetched the listener:
   * execve closes it (O_CLOEXEC). Bounded (~seconds of pause loops) in case the parent died. */
  for (uint64_t spins = 0; listener >= 0 && !__atomic_load_n(&page->fetched, __ATOMIC_SEQ_CST); spins++) {
    if (spins > (1ULL << 31)) _exit(126);
    __builtin_ia32_pause();
  }
  /* From here on every syscall may be notified: the parent is about to serve the listener. */
  execve(r->file, r->argv, r->envp); /* file is an absolute path resolved by the caller */
  child_fail(errfd, STEP_EXEC, errno);
}

static char **string_array(napi_env env, napi_value arr) {
  uint32_t n;
  if (napi_get_array_length(env, arr, &n) != napi_ok) return NULL;
  char **out = calloc(n + 1, sizeof(char *));
  for (uint32_t i = 0; out != NULL && i < n; i++) {
    napi_value v;
    napi_get_element(env, arr, i, &v);
    out[i] = st_strdup_value(env, v);
    if (out[i] == NULL) return NULL;
  }
  return out;
}

static void free_strings(char **a) {
  for (size_t i = 0; a != NULL && a[i] != NULL; i++) free(a[i]);
  free(a);
}

static napi_value fail_cleanup(struct spawn_req *r, napi_value v) {
  free(r->file);
  free(r->cwd);
  free_strings(r->argv);
  free_strings(r->envp);
  return v;
}

/* spawn({file, argv, env, cwd, filters:[{program, flags}]}) → {pid, pidfd, listenerFd, errFd}.
 * errFd: read end of the close-on-exec pipe; EOF = exec happened, 8 bytes = {i32 step, i32 errno}. */
napi_value st_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], v, filters;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  struct spawn_req r;
  memset(&r, 0, sizeof r);
  if (argc < 1) return st_throw_arg(env, "argument check (spawn(options))");
  napi_get_named_property(env, argv[0], "file", &v);
  r.file = st_strdup_value(env, v);
  napi_get_named_property(env, argv[0], "argv", &v);
  r.argv = string_array(env, v);
  napi_get_named_property(env, argv[0], "env", &v);
  r.envp = string_array(env, v);
  if (st_has(env, argv[0], "cwd")) {
    napi_get_named_property(env, argv[0], "cwd", &v);
    r.cwd = st_strdup_value(env, v);
  }
  uint32_t n = 0;
  if (r.file == NULL || r.argv == NULL || r.envp == NULL ||
      napi_get_named_property(env, argv[0], "filters", &filters) != napi_ok ||
      napi_get_array_length(env, filters, &n) != napi_ok || n > MAX_FILTERS)
    return fail_cleanup(&r, st_throw_arg(env, "argument check (spawn: file, argv[], env[], filters[] ≤ 64)"));
  r.nfilters = n;
  for (uint32_t i = 0; i < n; i++) {
    napi_value f, prog;
    uint8_t *bytes;
    size_t len;
    int64_t flags;
    napi_get_element(env, filters, i, &f);
    napi_get_named_property(env, f, "program", &prog);
    if (st_get_bytes(env, prog, &bytes, &len) != 0 || st_get_i64(env, f, "flags", &flags) != 0)
      return fail_cleanup(&r, NULL);
    r.progs[i].len = (unsigned short)(len / 8);
    r.progs[i].filter = (struct sock_filter *)bytes;
    r.flags[i] = (uint32_t)flags;
  }
  struct spawn_page *page = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return fail_cleanup(&r, st_throw(env, "linux/spawn", errno, "mmap", "spawn page"));
  page->listener_fd = -1;
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    munmap(page, sizeof *page);
    return fail_cleanup(&r, st_throw(env, "linux/spawn", errno, "pipe2", "error pipe"));
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    spawn_child(&r, page, pipefd[1]);
  }
  int fork_err = errno;
  close(pipefd[1]);
  fail_cleanup(&r, NULL);
  if (pid < 0) {
    close(pipefd[0]);
    munmap(page, sizeof *page);
    return st_throw(env, "linux/spawn", fork_err, "fork", "spawn");
  }
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) {
    int e = errno;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(pipefd[0]);
    munmap(page, sizeof *page);
    return st_throw(env, "linux/spawn", e, "pidfd_open", "spawn");
  }
  /* Wait for "installed" or the child's death (a failed step). The child makes no syscall
   * between the flag and execve that we would have to answer first. */
  int listener = -1;
  for (;;) {
    if (__atomic_load_n(&page->installed, __ATOMIC_SEQ_CST)) {
      if (page->listener_fd >= 0) {
        listener = (int)syscall(SYS_pidfd_getfd, pidfd, page->listener_fd, 0);
        if (listener < 0) {
          int e = errno;
          kill(pid, SIGKILL);
          waitpid(pid, NULL, 0);
          close(pidfd);
          close(pipefd[0]);
          munmap(page, sizeof *page);
          return st_throw(env, "linux/spawn", e, "pidfd_getfd", "fetch the listener fd from the child");
        }
        fcntl(listener, F_SETFD, FD_CLOEXEC);
        __atomic_store_n(&page->fetched, 1, __ATOMIC_SEQ_CST);
      }
      break;
    }
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    if (poll(&p, 1, 1) > 0) break; /* died before installing: the error pipe says why */
  }
  munmap(page, sizeof *page);
  napi_value out;
  napi_create_object(env, &out);
  st_set_int(env, out, "pid", pid);
  st_set_int(env, out, "pidfd", pidfd);
  st_set_int(env, out, "listenerFd", listener);
  st_set_int(env, out, "errFd", pipefd[0]);
  return out;
}

/* waitExit(pidfd, nohang) → {exited, code} once the child is gone (reaped), or undefined with
 * nohang while it runs. code: exit status, or the signal for CLD_KILLED/CLD_DUMPED. */
napi_value st_wait_exit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t pidfd, nohang = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int64(env, argv[0], &pidfd) != napi_ok || napi_get_value_int64(env, argv[1], &nohang) != napi_ok)
    return st_throw_arg(env, "argument check (waitExit(pidfd, nohang))");
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r;
  do r = waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | (nohang ? WNOHANG : 0));
  while (r < 0 && errno == EINTR);
  if (r < 0) return st_throw(env, "linux/wait", errno, "waitid", "P_PIDFD");
  if (si.si_pid == 0) return NULL; /* WNOHANG and still running */
  napi_value out;
  napi_create_object(env, &out);
  st_set_bool(env, out, "exited", si.si_code == CLD_EXITED);
  st_set_int(env, out, "code", si.si_status); /* exit status, or the signal for CLD_KILLED/DUMPED */
  return out;
}

/* pidfdSignal(pidfd, sig) → 0 or errno. */
napi_value st_pidfd_signal(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t pidfd, sig;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int64(env, argv[0], &pidfd) != napi_ok || napi_get_value_int64(env, argv[1], &sig) != napi_ok)
    return st_throw_arg(env, "argument check (pidfdSignal(pidfd, sig))");
  long r = syscall(SYS_pidfd_send_signal, (int)pidfd, (int)sig, NULL, 0);
  return st_int(env, r == 0 ? 0 : errno);
}
