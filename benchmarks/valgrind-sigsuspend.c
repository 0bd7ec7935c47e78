// Preloaded under valgrind by the benchmarks. valgrind 3.19 (Debian 12) writes into the signal
// mask given to rt_sigsuspend, and libdispatch -- which every Swift program with an async main
// runs -- passes a mask in read-only memory, so valgrind dies with SIGSEGV before main runs.
// This sigsuspend hands glibc's a writable copy; nothing else changes.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    int (*real)(const sigset_t *) = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");
    return real(&copy);
}
