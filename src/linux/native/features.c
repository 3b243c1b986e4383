/* @module Kernel feature probes: raw answers from seccomp() and pidfd_open, no interpretation. */
#define _GNU_SOURCE
#include "common.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

static long action_avail(int64_t a) {
  uint32_t action = (uint32_t)a;
  return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

static long filter_flag(int64_t f) {
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)f, NULL);
}

/* One probe per element of a JS number array: 0 where the call succeeded, else its errno. */
static napi_value errno_each(napi_env env, napi_value list, long (*probe)(int64_t)) {
  uint32_t n;
  napi_value arr;
  napi_get_array_length(env, list, &n);
  napi_create_array_with_length(env, n, &arr);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    int64_t x;
    napi_get_element(env, list, i, &v);
    napi_get_value_int64(env, v, &x);
    long r = probe(x);
    napi_set_element(env, arr, i, st_int(env, r == 0 ? 0 : errno));
  }
  return arr;
}

/* features({actions: number[], flags: number[]}) → {actions: errno[], flags: errno[], notifSizes, pidfdOpen}.
 * Nothing is installed: GET_ACTION_AVAIL only reads, and SET_MODE_FILTER with a NULL program fails
 * with EFAULT after the flag check (kernel/seccomp.c seccomp_set_mode_filter), EINVAL if a flag is unknown. */
napi_value st_features(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, acts, flags;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_named_property(env, argv[0], "actions", &acts) != napi_ok ||
      napi_get_named_property(env, argv[0], "flags", &flags) != napi_ok)
    return st_throw_arg(env, "argument check (features({actions, flags}))");
  napi_create_object(env, &out);
  st_set(env, out, "actions", errno_each(env, acts, action_avail));
  st_set(env, out, "flags", errno_each(env, flags, filter_flag));
  struct seccomp_notif_sizes sizes;
  napi_value sz;
  napi_create_object(env, &sz);
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0) {
    st_set_int(env, sz, "notif", sizes.seccomp_notif);
    st_set_int(env, sz, "resp", sizes.seccomp_notif_resp);
    st_set_int(env, sz, "data", sizes.seccomp_data);
    st_set_int(env, sz, "errno", 0);
  } else {
    st_set_int(env, sz, "errno", errno);
  }
  st_set(env, out, "notifSizes", sz);
  long pfd = syscall(SYS_pidfd_open, getpid(), 0);
  st_set_int(env, out, "pidfdOpen", pfd >= 0 ? 0 : errno);
  if (pfd >= 0) close((int)pfd);
  return out;
}
