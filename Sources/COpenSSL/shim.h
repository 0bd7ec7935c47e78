#ifndef CANH_COPENSSL_SHIM_H
#define CANH_COPENSSL_SHIM_H
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/ssl.h>
#include <openssl/ocsp.h>
#include <openssl/http.h>

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
// STACK_OF(X509) and STACK_OF(OPENSSL_STRING) accessors are macros too.
static inline STACK_OF(X509) *canh_x509_stack_new(void) { return sk_X509_new_null(); }
static inline int canh_x509_stack_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
static inline int canh_x509_stack_count(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *canh_x509_stack_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void canh_x509_stack_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }
static inline void canh_x509_stack_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
static inline int canh_string_stack_count(const STACK_OF(OPENSSL_STRING) *stack) { return sk_OPENSSL_STRING_num(stack); }
static inline const char *canh_string_stack_value(const STACK_OF(OPENSSL_STRING) *stack, int index) {
    return sk_OPENSSL_STRING_value(stack, index);
}
static inline int canh_dist_points_count(const CRL_DIST_POINTS *points) { return sk_DIST_POINT_num(points); }
static inline DIST_POINT *canh_dist_points_value(const CRL_DIST_POINTS *points, int index) {
    return sk_DIST_POINT_value(points, index);
}
static inline int canh_revoked_count(const STACK_OF(X509_REVOKED) *stack) { return sk_X509_REVOKED_num(stack); }

// SSL_CTX and SSL controls below are macros over SSL_CTX_ctrl / SSL_ctrl.
static inline int canh_ssl_ctx_set_min_proto(SSL_CTX *context, int version) {
    return SSL_CTX_set_min_proto_version(context, version);
}
static inline int canh_ssl_ctx_set_max_proto(SSL_CTX *context, int version) {
    return SSL_CTX_set_max_proto_version(context, version);
}
static inline int canh_ssl_set_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline int canh_ssl_request_ocsp_staple(SSL *ssl) { return SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp); }
static inline long canh_ssl_stapled_ocsp(SSL *ssl, const unsigned char **response) {
    return SSL_get_tlsext_status_ocsp_resp(ssl, response);
}

// XN_FLAG_RFC2253 is a composite macro. Names are printed as UTF-8 (without ESC_MSB) so that
// Vietnamese organisation names stay readable.
static inline unsigned long canh_name_print_flags(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}
#endif
