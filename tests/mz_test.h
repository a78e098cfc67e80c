/* mz_test — the few macros our test programs share.
 *
 * A test program is a main() that calls MZ_RUN(fn) for each test function
 * and returns mz_test_finish(). A failed check prints file:line and the
 * expression, marks the current test failed and continues, so one run shows
 * every failure. The closing line reads "N passed, M failed". */
#ifndef MZ_TEST_H
#define MZ_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mz_test_failed_checks;
static int mz_test_passed, mz_test_failed;

#define MZ_CHECK(cond)                                                                 \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            mz_test_failed_checks++;                                                   \
        }                                                                              \
    } while (0)

#define MZ_CHECK_MSG(cond, ...)                                                        \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);  \
            fprintf(stderr, __VA_ARGS__);                                              \
            fputc('\n', stderr);                                                       \
            mz_test_failed_checks++;                                                   \
        }                                                                              \
    } while (0)

#define MZ_CHECK_STR(a, b)                                                             \
    do {                                                                               \
        const char *mz_a_ = (a), *mz_b_ = (b);                                         \
        if (!mz_a_ || !mz_b_ || strcmp(mz_a_, mz_b_) != 0) {                           \
            fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" vs \"%s\")\n",      \
                    __FILE__, __LINE__, #a, #b, mz_a_ ? mz_a_ : "(null)",              \
                    mz_b_ ? mz_b_ : "(null)");                                         \
            mz_test_failed_checks++;                                                   \
        }                                                                              \
    } while (0)

/* Substring check, for error messages. */
#define MZ_CHECK_HAS(haystack, needle)                                                 \
    do {                                                                               \
        const char *mz_h_ = (haystack), *mz_n_ = (needle);                             \
        if (!mz_h_ || !strstr(mz_h_, mz_n_)) {                                         \
            fprintf(stderr, "%s:%d: check failed: \"%s\" contains \"%s\"\n", __FILE__, \
                    __LINE__, mz_h_ ? mz_h_ : "(null)", mz_n_);                        \
            mz_test_failed_checks++;                                                   \
        }                                                                              \
    } while (0)

/* MZ_TEST_ONLY=name runs that one test of a program (for debugging). */
#define MZ_RUN(fn)                                                                     \
    do {                                                                               \
        const char *mz_only_ = getenv("MZ_TEST_ONLY");                                 \
        if (mz_only_ && strcmp(mz_only_, #fn)) break;                                  \
        int mz_before_ = mz_test_failed_checks;                                        \
        fn();                                                                          \
        if (mz_test_failed_checks == mz_before_) {                                     \
            mz_test_passed++;                                                          \
            printf("ok   %s\n", #fn);                                                  \
        } else {                                                                       \
            mz_test_failed++;                                                          \
            printf("FAIL %s\n", #fn);                                                  \
        }                                                                              \
        fflush(stdout);                                                                \
    } while (0)

static inline int mz_test_finish(void)
{
    printf("%d passed, %d failed\n", mz_test_passed, mz_test_failed);
    return mz_test_failed ? 1 : 0;
}

#endif
