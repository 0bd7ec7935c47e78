#ifndef CANH_CSYSTEMD_SHIM_H
#define CANH_CSYSTEMD_SHIM_H
// libsystemd's public API is plain functions, so no inline shims are needed here.
#include <systemd/sd-journal.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-id128.h>
#endif
