/* mz_args — the command line of `maze` subcommands: one option parser, so
 * every subcommand has the same --help, the same error wording and exit
 * codes (0 ok, 2 usage error).
 *
 * A subcommand lists its options in a mz_arg table ending with {0}; values
 * are written through the `value` pointers (left untouched when absent, so
 * defaults are whatever the caller put there). */
#ifndef MZ_ARGS_H
#define MZ_ARGS_H

#include <stdbool.h>

typedef enum mz_arg_kind {
    MZ_ARG_FLAG,   /* bool*, set to true */
    MZ_ARG_STRING, /* const char**, points into argv */
    MZ_ARG_INT,    /* long* */
    MZ_ARG_FLOAT,  /* double* */
    MZ_ARG_SIZE,   /* int[2]*, from "WxH" */
    MZ_ARG_LIST,   /* mz_arg_list*: each use adds one (points into argv) */
} mz_arg_kind;

#define MZ_ARG_LIST_MAX 32
typedef struct mz_arg_list {
    const char *items[MZ_ARG_LIST_MAX];
    int count;
} mz_arg_list;

typedef struct mz_arg {
    const char *name;    /* "--seed" */
    mz_arg_kind kind;
    void *value;
    const char *metavar; /* "N", "FILE" */
    const char *help;
    /* MZ_ARG_INT and MZ_ARG_FLOAT: the values accepted, inclusive. Both 0
     * (the default) accept any integer, or any finite number: NaN and the
     * infinities are never accepted. Anything else is a usage error naming
     * the option, the value and the range. */
    double min, max;
} mz_arg;

/* The largest seed: 2^53 - 1, which traces (JSON numbers) and the remote
 * protocol carry exactly. */
#define MZ_ARG_MAX_SEED 9007199254740991.0

/* The option of the commands that play a story's turns (play, test): the
 * CPU time one turn's story code may take (mz_story_desc.time_limit_ms).
 * `var` is a long holding the default, 250. */
#define MZ_ARG_TURN_LIMIT(var)                                                                     \
    {"--turn-limit-ms", MZ_ARG_INT, &(var), "MS",                                                  \
     "CPU time one turn's story code may take; longer fails the turn: 'ran too long' (250)", 1,    \
     60000}

typedef struct mz_command {
    const char *name;
    const char *summary; /* one line for `maze --help` */
    const char *usage;   /* after "maze NAME ", e.g. "STORY [options]" */
    const char *details; /* paragraph(s) after the option list, or NULL */
    int (*run)(const struct mz_command *cmd, int argc, char **argv);
} mz_command;

/* mz_args_parse's "go on": any other result is the exit status to return. */
#define MZ_ARGS_CONTINUE (-1)

/* Parses argv (argv[0] is the subcommand name). Positional arguments are
 * collected into positional[] (at most max_positional, else an error); their
 * count goes to *npositional. Returns MZ_ARGS_CONTINUE, or 0 after printing
 * --help, or 2 after printing a usage error; callers write
 *     int rc = mz_args_parse(...);
 *     if (rc != MZ_ARGS_CONTINUE) return rc; */
int mz_args_parse(const mz_command *cmd, const mz_arg *args, int argc, char **argv,
                             const char **positional, int max_positional, int *npositional);

void mz_args_print_help(const mz_command *cmd, const mz_arg *args);

/* For a subcommand's own usage errors: prints "maze NAME: message" and a
 * hint to --help; returns 2. */
int mz_args_usage_error(const mz_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
