#ifndef CANH_CPCRE2_SHIM_H
#define CANH_CPCRE2_SHIM_H
// PCRE2 selects its code unit width with a macro before the header; Canh matches bytes (8-bit units).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// PCRE2_UNSET is a cast expression, which the Swift importer cannot see.
static inline PCRE2_SIZE canh_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
