/* story_history.c — undo: a ring of snapshots, the oldest dropped first. */
#include "story_internal.h"

#include <stdlib.h>

struct mz_story_history {
    mz_story_snapshot **ring;
    size_t capacity, count, next; /* next: where the next push goes */
};

mz_story_history *mz_story_history_create(size_t capacity)
{
    mz_story_history *h = calloc(1, sizeof *h);
    if (h) h->capacity = capacity ? capacity : 32;
    if (h) h->ring = calloc(h->capacity, sizeof *h->ring);
    if (!h || !h->ring) {
        free(h);
        mz_fail("out of memory");
        return NULL;
    }
    return h;
}

void mz_story_history_clear(mz_story_history *h)
{
    for (size_t i = 0; h && i < h->capacity; i++) {
        mz_story_snapshot_free(h->ring[i]);
        h->ring[i] = NULL;
    }
    if (h) h->count = h->next = 0;
}

void mz_story_history_destroy(mz_story_history *h)
{
    mz_story_history_clear(h);
    if (h) free(h->ring);
    free(h);
}

void mz_story_history_push(mz_story_history *h, const mz_story *s)
{
    if (!h || !mz_story_undo_allowed(s)) return;
    mz_story_snapshot_free(h->ring[h->next]);
    h->ring[h->next] = mz_story_snapshot_take(s);
    if (!h->ring[h->next]) return; /* out of memory: that turn cannot be undone */
    h->next = (h->next + 1) % h->capacity;
    if (h->count < h->capacity) h->count++;
}

bool mz_story_history_undo(mz_story_history *h, mz_story *s, mz_story_turn *out)
{
    if (!mz_story_undo_allowed(s)) return mz_fail("this story does not allow undo");
    if (!h || !h->count) return mz_fail("nothing to undo");
    size_t last = (h->next + h->capacity - 1) % h->capacity;
    bool ok = mz_story_snapshot_restore(s, h->ring[last], out);
    mz_story_snapshot_free(h->ring[last]);
    h->ring[last] = NULL;
    h->next = last;
    h->count--;
    return ok;
}

bool mz_story_undo_allowed(const mz_story *s)
{
    return !s->g->no_undo;
}
