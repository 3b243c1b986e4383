/* @module The addon's entry: exports each native capability and the ABI version native.ts checks. */
#include "common.h"

/* Bump when any export's shape changes; src/linux/native.ts checks it. */
#define ST_ABI_VERSION 3

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT() {
  napi_set_named_property(env, exports, "abiVersion", st_int(env, ST_ABI_VERSION));
  export_fn(env, exports, "probeBatch", st_probe_batch);
  export_fn(env, exports, "probeIp", st_probe_ip);
  export_fn(env, exports, "auditOpen", st_audit_open);
  export_fn(env, exports, "auditRead", st_audit_read);
  export_fn(env, exports, "closeFd", st_close_fd);
  export_fn(env, exports, "features", st_features);
  export_fn(env, exports, "spawn", st_spawn);
  export_fn(env, exports, "waitExit", st_wait_exit);
  export_fn(env, exports, "pidfdSignal", st_pidfd_signal);
  export_fn(env, exports, "notifyStart", st_notify_start);
  export_fn(env, exports, "notifyDrain", st_notify_drain);
  export_fn(env, exports, "notifyStop", st_notify_stop);
  export_fn(env, exports, "notifySend", st_notify_send);
  export_fn(env, exports, "notifyIdValid", st_notify_id_valid);
  return exports;
}
