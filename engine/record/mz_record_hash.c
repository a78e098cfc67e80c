/* SHA-256 through libavutil (already linked for video encoding). */
#include "mz_record.h"

#include "mz_error.h"

#include <errno.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <stdio.h>
#include <string.h>

struct mz_record_sha256 {
    struct AVSHA *sha;
};

mz_record_sha256 *mz_record_sha256_begin(void)
{
    struct AVSHA *sha = av_sha_alloc();
    if (!sha || av_sha_init(sha, 256) < 0) {
        av_free(sha);
        mz_fail("sha256: out of memory");
        return NULL;
    }
    /* The AVSHA is the hasher: the opaque type only hides libavutil. */
    return (mz_record_sha256 *)sha;
}

void mz_record_sha256_add(mz_record_sha256 *h, const void *data, size_t len)
{
    av_sha_update((struct AVSHA *)h, data, len);
}

bool mz_record_sha256_add_file(mz_record_sha256 *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return mz_fail("%s: %s", path, strerror(errno));
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        mz_record_sha256_add(h, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok ? true : mz_fail("%s: read error", path);
}

void mz_record_sha256_end(mz_record_sha256 *h, char hex[65])
{
    uint8_t digest[32];
    hex[0] = '\0';
    if (!h) return;
    av_sha_final((struct AVSHA *)h, digest);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    av_free(h);
}

bool mz_record_sha256_file(const char *path, char hex[65])
{
    mz_record_sha256 *h = mz_record_sha256_begin();
    bool ok = h && mz_record_sha256_add_file(h, path);
    mz_record_sha256_end(h, hex);
    return ok;
}
