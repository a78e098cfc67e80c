/* lint_prompts — `maze lint`'s warnings about what the embedded generator
 * makes of a story's prompts: words its lexicon does not know (and what it
 * will draw instead), and prompts that name no setting. Static prompts only:
 * a prompt function's text is known in play (maze test reads those). */
#ifndef LINT_PROMPTS_H
#define LINT_PROMPTS_H

#include <stdio.h>

/* Prints "file:line: warning: ..." lines to out; returns how many. A story
 * that does not load gives none (lint reports that itself). */
int mz_lint_prompts(const char *story, FILE *out);

#endif
