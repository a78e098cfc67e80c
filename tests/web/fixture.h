/* What the web test fixtures share: print "port=P token=T" for the Python
 * driver, then serve until it closes our stdin. */
#ifndef WEB_FIXTURE_H
#define WEB_FIXTURE_H

#include "mz_web.h"

#include <stdio.h>

static inline void fixture_serve(mz_web *web)
{
    printf("port=%d token=%s\n", mz_web_port(web), mz_web_token(web));
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin))
        ;
}

#endif
