/* moderation_allow — makes assets/moderation/allow/en.txt: the words of
 * English dictionaries (one a line; Debian's wamerican and wbritish) that
 * the blocked lists would refuse although they are ordinary English: a
 * blocked word inside them (Scunthorpe's problem: class, therapist, grape),
 * or another language's blocked word ("bite", "con", "fan"). Left out: the
 * words English's own list blocks, and those in DENY (one a line): words
 * with a blocked word inside that are offensive too ("fucker").
 *
 *   moderation_allow DENY DICT... -- en.txt OTHER.txt... > allow/en.txt */
#include "mz_error.h"
#include "mz_screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool listed(const char *path, const char *word)
{
    FILE *f = fopen(path, "r");
    char line[256];
    bool hit = false;
    while (f && !hit && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        hit = !strcmp(line, word);
    }
    if (f) fclose(f);
    return hit;
}

int main(int argc, char **argv)
{
    int sep = 1;
    while (sep < argc && strcmp(argv[sep], "--"))
        sep++;
    if (sep < 3 || sep + 1 >= argc) {
        fprintf(stderr, "usage: moderation_allow DENY DICT... -- en.txt OTHER.txt...\n");
        return 2;
    }
    mz_screen *en = mz_screen_create(&(mz_screen_desc){.salt = 1});
    mz_screen *all = mz_screen_create(&(mz_screen_desc){.salt = 1});
    bool ok = en && all && mz_screen_load(en, argv[sep + 1], "en", false);
    for (int i = sep + 1; ok && i < argc; i++)
        ok = mz_screen_load(all, argv[i], i == sep + 1 ? "en" : "other", false);
    if (!ok) {
        fprintf(stderr, "moderation_allow: %s\n", mz_error());
        return 1;
    }
    printf("# Innocent English words the blocked lists would refuse, made by\n"
           "# tools/moderation_allow from Debian's wamerican and wbritish word lists\n"
           "# (SCOWL, Copyright 2000-2019 Kevin Atkinson; permission to use, copy,\n"
           "# modify, distribute and sell granted without fee), less tools/moderation_deny.txt.\n");
    for (int i = 2; i < sep; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "moderation_allow: cannot read %s\n", argv[i]);
            return 1;
        }
        char word[256];
        while (fgets(word, sizeof word, f)) {
            word[strcspn(word, "\r\n")] = '\0';
            mz_screen_result r;
            if (strchr(word, '\'') || mz_screen_check(all, word, &r)) continue;
            bool english_whole = !mz_screen_check(en, word, &r) && r.reason == MZ_SCREEN_WORD;
            if (english_whole || listed(argv[1], word)) continue;
            printf("%s\n", word);
        }
        fclose(f);
    }
    mz_screen_destroy(en);
    mz_screen_destroy(all);
    return 0;
}
