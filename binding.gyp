{
  "targets": [
    {
      "target_name": "seccomptrace",
      "sources": [
        "src/linux/native/addon.c",
        "src/linux/native/errors.c",
        "src/linux/native/raw-syscall.c",
        "src/linux/native/probe.c",
        "src/linux/native/audit.c",
        "src/linux/native/features.c",
        "src/linux/native/spawn.c",
        "src/linux/native/notify.c"
      ],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-lpthread"]
    }
  ]
}
