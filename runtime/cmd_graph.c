/* maze graph — a story's graph as Graphviz DOT. */
#include "mz_commands.h"

#include "mz_error.h"
#include "mz_story.h"

#include <stdio.h>

static int run(const mz_command *cmd, int argc, char **argv)
{
    const char *output = NULL;
    const mz_arg args[] = {
        {"--output", MZ_ARG_STRING, &output, "FILE", "write to FILE instead of stdout"},
        {0},
    };
    const char *story = NULL;
    int n = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, &story, 1, &n);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (n != 1) return mz_args_usage_error(cmd, "which story? (e.g. stories/lighthouse)");
    FILE *out = output ? fopen(output, "w") : stdout;
    if (!out) {
        fprintf(stderr, "maze graph: cannot write %s\n", output);
        return 1;
    }
    bool ok = mz_story_graph_dot(story, out);
    if (output && fclose(out) != 0 && ok) ok = mz_fail("cannot write %s", output);
    if (!ok) fprintf(stderr, "maze graph: %s\n", mz_error());
    return ok ? 0 : 1;
}

const mz_command mz_cmd_graph = {
    .name = "graph",
    .summary = "print a story's graph as Graphviz DOT",
    .usage = "STORY [--output FILE]",
    .details = "Scenes are boxes (the start in bold), endings double octagons; each\n"
               "transition is an arrow labelled with its patterns, dashed when it has a\n"
               "condition. Render it: maze graph STORY | dot -Tsvg > graph.svg",
    .run = run,
};
