/* @module The USER_NOTIF receive loop: a native thread answers log-only notifications at once
 * (CONTINUE) and hands every record to JavaScript in batches through a bounded ring. */
#define _GNU_SOURCE
#include "common.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64) /* include/uapi/linux/seccomp.h (6.6+) */
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define TABLE_N 1024
/* Wake JavaScript once this many records wait, or when the listener has been idle for
 * IDLE_FLUSH_MS: one wake-up per batch instead of one per record keeps JS off the syscall path. */
#define WAKE_BATCH 512
#define IDLE_FLUSH_MS 2
enum { ANSWER_CONTINUE = 0, ANSWER_ASK = 1 };

struct rec {
  uint64_t id, ip, args[6];
  int64_t time_ns;
  uint32_t pid, arch;
  int32_t nr;
  uint32_t answered;
};

struct notifier {
  int listener, pidfd, stopfd;
  uint8_t table[TABLE_N];
  uint32_t table_arch;
  uint8_t other; /* answer for (arch, nr) outside the table */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t space;
  struct rec *ring;
  uint32_t cap, head, count;
  uint64_t lost, received;
  int exited, exit_code, exit_signaled, finished, fatal_errno, wake_pending, stopping, joined;
  napi_threadsafe_function tsfn;
};

static int64_t realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Called with mu held: asks the JS thread to drain, at most one request in flight. */
static void wake_js(struct notifier *n) {
  if (n->wake_pending) return;
  n->wake_pending = 1;
  napi_call_threadsafe_function(n->tsfn, NULL, napi_tsfn_nonblocking);
}

static void push(struct notifier *n, const struct rec *r) {
  pthread_mutex_lock(&n->mu);
  n->received++;
  /* A record JS must answer is never dropped: wait for room (the target waits anyway). */
  while (!r->answered && n->count == n->cap && !n->stopping) pthread_cond_wait(&n->space, &n->mu);
  if (n->count == n->cap) {
    n->lost++;
  } else {
    n->ring[(n->head + n->count) % n->cap] = *r;
    n->count++;
  }
  if (!r->answered || n->count >= WAKE_BATCH || n->count == n->cap) wake_js(n);
  pthread_mutex_unlock(&n->mu);
}

static void reap(struct notifier *n) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (waitid(P_PIDFD, (id_t)n->pidfd, &si, WEXITED | WNOHANG) != 0 || si.si_pid == 0) return;
  pthread_mutex_lock(&n->mu);
  n->exited = 1;
  n->exit_signaled = si.si_code != CLD_EXITED;
  n->exit_code = si.si_status;
  wake_js(n);
  pthread_mutex_unlock(&n->mu);
}

static void *loop(void *arg) {
  struct notifier *n = arg;
  /* Wake the target on the supervisor's CPU: cheaper round trips (kernel/seccomp.c, 6.6+). */
  ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
  int fatal = 0;
  for (;;) {
    struct pollfd p[2] = {{n->listener, POLLIN, 0}, {n->stopfd, POLLIN, 0}};
    /* A racy read is fine: at worst one extra flush, or one IDLE_FLUSH_MS late. */
    int waiting = __atomic_load_n(&n->count, __ATOMIC_RELAXED) > 0 && !__atomic_load_n(&n->wake_pending, __ATOMIC_RELAXED);
    int ready = poll(p, 2, waiting ? IDLE_FLUSH_MS : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fatal = errno;
      break;
    }
    if (ready == 0) { /* idle with records not yet handed over: flush */
      pthread_mutex_lock(&n->mu);
      wake_js(n);
      pthread_mutex_unlock(&n->mu);
      continue;
    }
    if (p[1].revents) break;
    if (p[0].revents & POLLIN) {
      struct seccomp_notif req;
      memset(&req, 0, sizeof req); /* RECV needs a zeroed buffer (check_zeroed_user) */
      if (ioctl(n->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
        if (errno == ENOENT || errno == EINTR) continue; /* the task went away or was signalled */
        fatal = errno;
        break;
      }
      struct rec r;
      r.id = req.id;
      r.pid = req.pid;
      r.nr = req.data.nr;
      r.arch = req.data.arch;
      r.ip = req.data.instruction_pointer;
      memcpy(r.args, req.data.args, sizeof r.args);
      r.time_ns = realtime_ns();
      int in_table = r.arch == n->table_arch && r.nr >= 0 && r.nr < TABLE_N;
      r.answered = (in_table ? n->table[r.nr] : n->other) == ANSWER_CONTINUE;
      if (r.answered) {
        struct seccomp_notif_resp resp;
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE; /* log only: the kernel runs the syscall */
        /* ENOENT: the task was killed or signalled meanwhile; the record still stands. */
        ioctl(n->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
      }
      push(n, &r);
      continue;
    }
    if (p[0].revents & (POLLHUP | POLLERR)) break; /* no task uses the filter any more */
  }
  if (!n->exited) {
    /* The tree is gone: the main child is a zombie or about to be; reap it for the status. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    struct pollfd p = {n->pidfd, POLLIN, 0};
    int stopping;
    pthread_mutex_lock(&n->mu);
    stopping = n->stopping;
    pthread_mutex_unlock(&n->mu);
    if (!stopping && poll(&p, 1, -1) > 0) reap(n);
  }
  pthread_mutex_lock(&n->mu);
  n->finished = 1;
  n->fatal_errno = fatal;
  wake_js(n);
  pthread_mutex_unlock(&n->mu);
  return NULL;
}

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  (void)ctx;
  (void)data;
  if (env == NULL || cb == NULL) return;
  napi_value undef;
  napi_get_undefined(env, &undef);
  napi_call_function(env, undef, cb, 0, NULL, NULL);
}

/* notifyStart({listenerFd, pidfd, table: Uint8Array(≤1024), tableArch, other, capacity, onReady})
 * → handle. onReady() runs on the JS thread whenever notifyDrain has something new. */
napi_value st_notify_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], v, name, ext;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t listener, pidfd, arch, other, cap;
  uint8_t *table;
  size_t tlen;
  if (argc < 1 || st_get_i64(env, argv[0], "listenerFd", &listener) || st_get_i64(env, argv[0], "pidfd", &pidfd) ||
      st_get_i64(env, argv[0], "tableArch", &arch) || st_get_i64(env, argv[0], "other", &other) ||
      st_get_i64(env, argv[0], "capacity", &cap))
    return NULL;
  napi_get_named_property(env, argv[0], "table", &v);
  if (st_get_bytes(env, v, &table, &tlen) != 0) return NULL;
  if (cap < 1 || cap > (1 << 24)) return st_throw_arg(env, "argument check (capacity 1..16777216)");
  struct notifier *n = calloc(1, sizeof *n);
  if (n == NULL) return st_throw(env, "linux/notify", ENOMEM, "calloc", "notifier");
  n->ring = calloc((size_t)cap, sizeof(struct rec));
  if (n->ring == NULL) {
    free(n);
    return st_throw(env, "linux/notify", ENOMEM, "calloc", "notifier ring");
  }
  n->cap = (uint32_t)cap;
  n->listener = (int)listener;
  n->pidfd = (int)pidfd;
  n->table_arch = (uint32_t)arch;
  n->other = (uint8_t)other;
  memset(n->table, ANSWER_ASK, sizeof n->table);
  memcpy(n->table, table, tlen < TABLE_N ? tlen : TABLE_N);
  pthread_mutex_init(&n->mu, NULL);
  pthread_cond_init(&n->space, NULL);
  n->stopfd = eventfd(0, EFD_CLOEXEC);
  napi_get_named_property(env, argv[0], "onReady", &v);
  napi_create_string_utf8(env, "seccomptrace-notify", NAPI_AUTO_LENGTH, &name);
  if (n->stopfd < 0 || napi_create_threadsafe_function(env, v, NULL, name, 0, 1, NULL, NULL, n, call_js, &n->tsfn) != napi_ok) {
    free(n->ring);
    free(n);
    return st_throw(env, "linux/notify", errno, "eventfd/napi_create_threadsafe_function", "notifier");
  }
  int e = pthread_create(&n->thread, NULL, loop, n);
  if (e != 0) {
    napi_release_threadsafe_function(n->tsfn, napi_tsfn_abort);
    free(n->ring);
    free(n);
    return st_throw(env, "linux/notify", e, "pthread_create", "notifier");
  }
  napi_create_external(env, n, NULL, NULL, &ext);
  return ext;
}

static struct notifier *handle_of(napi_env env, napi_callback_info info, napi_value *argv, size_t want) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *p = NULL;
  if (argc < want || napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) {
    st_throw_arg(env, "argument check (expected a notifier handle)");
    return NULL;
  }
  return p;
}

/* notifyDrain(handle, max) → {records: ArrayBuffer, count, lost, received, exit?: {exited, code},
 * finished, fatalErrno}. records holds `count` packed struct rec (88 bytes, little-endian):
 * u64 id @0, u64 ip @8, u64 args[6] @16, i64 timeNs @64, u32 pid @72, u32 arch @76, i32 nr @80,
 * u32 answered @84. Packed, because one property set per field costs more than the syscall. */
_Static_assert(sizeof(struct rec) == 88, "struct rec layout is part of the JS contract");
napi_value st_notify_drain(napi_env env, napi_callback_info info) {
  napi_value argv[2], out, ab;
  struct notifier *n = handle_of(env, info, argv, 2);
  int64_t max = 0;
  if (n == NULL || napi_get_value_int64(env, argv[1], &max) != napi_ok) return NULL;
  void *dst = NULL;
  pthread_mutex_lock(&n->mu);
  uint32_t take = n->count < (uint64_t)max ? n->count : (uint32_t)max;
  if (napi_create_arraybuffer(env, (size_t)take * sizeof(struct rec), &dst, &ab) != napi_ok) take = 0;
  struct rec *batch = dst;
  for (uint32_t i = 0; i < take; i++) batch[i] = n->ring[(n->head + i) % n->cap];
  n->head = (n->head + take) % n->cap;
  n->count -= take;
  n->wake_pending = n->count > 0; /* more left: the caller loops; else the next push wakes JS */
  uint64_t lost = n->lost, received = n->received;
  int exited = n->exited, code = n->exit_code, sig = n->exit_signaled, finished = n->finished && n->count == 0;
  int fatal = n->fatal_errno;
  pthread_cond_broadcast(&n->space);
  pthread_mutex_unlock(&n->mu);
  napi_create_object(env, &out);
  st_set(env, out, "records", ab);
  st_set_int(env, out, "count", take);
  st_set_int(env, out, "lost", (int64_t)lost);
  st_set_int(env, out, "received", (int64_t)received);
  if (exited) {
    napi_value e;
    napi_create_object(env, &e);
    st_set_bool(env, e, "exited", !sig);
    st_set_int(env, e, "code", code);
    st_set(env, out, "exit", e);
  }
  st_set_bool(env, out, "finished", finished);
  st_set_int(env, out, "fatalErrno", fatal);
  return out;
}

/* notifyStop(handle): stops and joins the thread, releases the JS callback. Idempotent. */
napi_value st_notify_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  struct notifier *n = handle_of(env, info, argv, 1);
  if (n == NULL || n->joined) return NULL;
  uint64_t one = 1;
  pthread_mutex_lock(&n->mu);
  n->stopping = 1;
  pthread_cond_broadcast(&n->space);
  pthread_mutex_unlock(&n->mu);
  ssize_t w = write(n->stopfd, &one, sizeof one);
  (void)w;
  pthread_join(n->thread, NULL);
  n->joined = 1;
  napi_release_threadsafe_function(n->tsfn, napi_tsfn_release);
  close(n->stopfd);
  return NULL;
}

/* notifySend(listenerFd, id, error, val, flags) → 0 or errno (ENOENT: the task is gone). */
napi_value st_notify_send(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int64_t fd, error, flags;
  uint64_t id, val;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5 || napi_get_value_int64(env, argv[0], &fd) != napi_ok || st_get_u64_bigint(env, argv[1], &id) ||
      napi_get_value_int64(env, argv[2], &error) != napi_ok || st_get_u64_bigint(env, argv[3], &val) ||
      napi_get_value_int64(env, argv[4], &flags) != napi_ok)
    return st_throw_arg(env, "argument check (notifySend(fd, id, error, val, flags))");
  struct seccomp_notif_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.id = id;
  resp.error = (int32_t)error;
  resp.val = (int64_t)val;
  resp.flags = (uint32_t)flags;
  return st_int(env, ioctl((int)fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0 ? 0 : errno);
}

/* notifyIdValid(listenerFd, id) → 0 (still pending) or errno (ENOENT). */
napi_value st_notify_id_valid(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int64_t fd;
  uint64_t id;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int64(env, argv[0], &fd) != napi_ok || st_get_u64_bigint(env, argv[1], &id))
    return st_throw_arg(env, "argument check (notifyIdValid(fd, id))");
  return st_int(env, ioctl((int)fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 ? 0 : errno);
}
