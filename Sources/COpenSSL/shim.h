#ifndef CANH_COPENSSL_SHIM_H
#define CANH_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// STACK_OF(GENERAL_NAME) accessors are type-safe macros in OpenSSL 3, invisible to Swift.
static inline int canh_general_names_count(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}
static inline const GENERAL_NAME *canh_general_names_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
static inline void canh_general_names_free(GENERAL_NAMES *names) {
    GENERAL_NAMES_free(names);
}
// XN_FLAG_RFC2253 is a composite macro. Names are printed as UTF-8 (without ESC_MSB) so that
// Vietnamese organisation names stay readable.
static inline unsigned long canh_name_print_flags(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}
#endif
