/* Compiled against a built librdkafka's generated config.h and its own headers, with the
 * flags librdkafka was compiled with (deps/librdkafka/check-config.sh). It fails at compile
 * time when the configuration lacks something the shipped client relies on, and at run time
 * when rd_atomic32_set()/rd_atomic64_set() do not behave as librdkafka's code assumes.
 *
 * Why: librdkafka's CMake build (2.11 to 2.14) never defined HAVE_ATOMICS_{32,64}_ATOMIC, so
 * rd_atomic32_set() compiled to a plain store that returns the new value. Every
 * `rd_atomic32_set(&x, 1) == 0` test in librdkafka was then false: _ALL_BROKERS_DOWN was
 * never raised and rebootstrap never ran, and the build still succeeded. */
#include "rd.h"
#include "rdatomic.h"

#if !HAVE_ATOMICS_32 || !(HAVE_ATOMICS_32_ATOMIC || HAVE_ATOMICS_32_SYNC)
#error "rd_atomic32_set() would be a non-atomic store returning the new value (HAVE_ATOMICS_32_ATOMIC/_SYNC unset)"
#endif
#if !HAVE_ATOMICS_64 || !(HAVE_ATOMICS_64_ATOMIC || HAVE_ATOMICS_64_SYNC)
#error "rd_atomic64_set() would be a non-atomic store returning the new value (HAVE_ATOMICS_64_ATOMIC/_SYNC unset)"
#endif
/* Without it rd_strerror() is strerror(), which is not thread-safe, and librdkafka calls it
 * from every broker thread (CMake's build in 2.14 left it out too). */
#if !HAVE_STRERROR_R
#error "rd_strerror() would be the thread-unsafe strerror() (HAVE_STRERROR_R unset)"
#endif
/* Features the prebuilt promises (README: security protocols, compression). */
#if !WITH_SSL
#error "built without TLS (WITH_SSL)"
#endif
#if !WITH_SASL_SCRAM || !WITH_SASL_OAUTHBEARER
#error "built without SASL/SCRAM or SASL/OAUTHBEARER"
#endif
#if !WITH_ZLIB || !WITH_ZSTD || !WITH_SNAPPY
#error "built without gzip, zstd or snappy compression"
#endif

int main(void) {
        rd_atomic32_t a32;
        rd_atomic64_t a64;
        rd_atomic32_init(&a32, 0);
        rd_atomic64_init(&a64, 0);
        /* The set functions must return the previous value: librdkafka tests
         * `rd_atomic32_set(&flag, 1) == 0` to do something exactly once. */
        if (rd_atomic32_set(&a32, 1) != 0 || rd_atomic32_set(&a32, 2) != 1 ||
            rd_atomic32_get(&a32) != 2) {
                fprintf(stderr, "rd_atomic32_set does not return the previous value\n");
                return 1;
        }
        if (rd_atomic64_set(&a64, 1) != 0 || rd_atomic64_set(&a64, 2) != 1 ||
            rd_atomic64_get(&a64) != 2) {
                fprintf(stderr, "rd_atomic64_set does not return the previous value\n");
                return 1;
        }
        return 0;
}
