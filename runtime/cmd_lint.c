/* maze lint — find problems in stories, each with file:line. */
#include "mz_commands.h"

#include "lint_prompts.h"
#include "mz_story.h"

#include <stdio.h>

static void report(const char *file, int line, const char *message, void *user)
{
    (void)user;
    if (line > 0)
        printf("%s:%d: %s\n", file, line, message);
    else
        printf("%s: %s\n", file, message);
}

static int run(const mz_command *cmd, int argc, char **argv)
{
    const mz_arg args[] = {{0}};
    const char *stories[64];
    int n = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, stories, 64, &n);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (n == 0) return mz_args_usage_error(cmd, "which stories? (e.g. stories/*)");
    int total = 0;
    for (int i = 0; i < n; i++) {
        int found = mz_story_lint(stories[i], report, NULL);
        int warned = found ? 0 : mz_lint_prompts(stories[i], stdout);
        fflush(stdout);
        if (found)
            fprintf(stderr, "%s: %d problem%s\n", stories[i], found, found == 1 ? "" : "s");
        else if (warned)
            fprintf(stderr, "%s: ok, %d warning%s\n", stories[i], warned, warned == 1 ? "" : "s");
        else
            fprintf(stderr, "%s: ok\n", stories[i]);
        total += found;
    }
    return total ? 1 : 0;
}

const mz_command mz_cmd_lint = {
    .name = "lint",
    .summary = "find problems in stories (file:line each)",
    .usage = "STORY...",
    .details = "Checks: Lua errors, missing prompts, wrong field types and unknown fields,\n"
               "transitions to undefined scenes, scenes that cannot be reached, dead ends\n"
               "(no way on and not an ending), patterns shadowed by an earlier one, unknown\n"
               "{character} names and missing sound files; state fields story.vars does\n"
               "not declare, has() of items no code gives, visits() of unknown scenes, a\n"
               "word under two synonyms, patterns of stop words only, characters that\n"
               "describe themselves, NUL and zero-width characters in strings; missing\n"
               "or extra translations (story.languages, lang/CODE.lua); weighted prompts\n"
               "that are not {text, weight} pairs, transition_steps outside 1..600 and an\n"
               "unknown transition_method; a variant for a value the story does not\n"
               "declare or routed to an unknown transition or scene (with \"did you mean\"\n"
               "for near names). Problems go to stdout as file:line: message.\n"
               "A story without problems also gets warnings (file:line: warning: ...) for\n"
               "prompt words the embedded generator does not know, with what it will draw\n"
               "instead, and for prompts that name no setting; they do not change the exit\n"
               "status. Exit status: 0 no problems, 1 problems, 2 usage.",
    .run = run,
};
