#include "mz_args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mz_args_print_help(const mz_command *cmd, const mz_arg *args)
{
    printf("usage: maze %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
    if (args && args[0].name) printf("\noptions:\n");
    for (const mz_arg *a = args; a && a->name; a++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", a->name, a->metavar ? " " : "",
                 a->metavar ? a->metavar : "");
        printf("  %-24s %s\n", left, a->help);
    }
    printf("  %-24s %s\n", "--help", "show this help");
    if (cmd->details) printf("\n%s\n", cmd->details);
}

int mz_args_usage_error(const mz_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "maze %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'maze %s --help')\n", cmd->name);
    return 2;
}

static bool in_range(const mz_arg *a, double v)
{
    return a->min >= a->max || (v >= a->min && v <= a->max);
}

static bool parse_value(const mz_arg *a, const char *text)
{
    char *end = NULL;
    errno = 0;
    switch (a->kind) {
    case MZ_ARG_FLAG:
        *(bool *)a->value = true;
        return true;
    case MZ_ARG_STRING:
        *(const char **)a->value = text;
        return true;
    case MZ_ARG_LIST: {
        mz_arg_list *list = a->value;
        if (list->count == MZ_ARG_LIST_MAX) return false;
        list->items[list->count++] = text;
        return true;
    }
    case MZ_ARG_INT: {
        long v = strtol(text, &end, 0);
        if (errno || end == text || *end || !in_range(a, (double)v)) return false;
        *(long *)a->value = v;
        return true;
    }
    case MZ_ARG_FLOAT: {
        double v = strtod(text, &end);
        if (errno || end == text || *end || !isfinite(v) || !in_range(a, v)) return false;
        *(double *)a->value = v;
        return true;
    }
    case MZ_ARG_SIZE: {
        int *wh = a->value;
        long w = strtol(text, &end, 10);
        if (end == text || (*end != 'x' && *end != 'X')) return false;
        const char *h_text = end + 1;
        long h = strtol(h_text, &end, 10);
        if (end == h_text || *end || w < 16 || h < 16 || w > 8192 || h > 8192) return false;
        wh[0] = (int)w;
        wh[1] = (int)h;
        return true;
    }
    }
    return false;
}

/* What a's value must be: "an integer in 0..65535", "a number in 1..240". */
static const char *kind_hint(const mz_arg *a, char *buf, size_t cap)
{
    const char *what;
    switch (a->kind) {
    case MZ_ARG_INT: what = "an integer"; break;
    case MZ_ARG_FLOAT: what = a->min < a->max ? "a number" : "a finite number"; break;
    case MZ_ARG_SIZE: return "WIDTHxHEIGHT, 16..8192 each";
    case MZ_ARG_LIST: return "a value (at most 32 of them)";
    default: return "a value";
    }
    if (a->min < a->max) /* %.16g: integers up to 2^53 in full, 0.5 as 0.5 */
        snprintf(buf, cap, "%s in %.16g..%.16g", what, a->min, a->max);
    else
        snprintf(buf, cap, "%s", what);
    return buf;
}

int mz_args_parse(const mz_command *cmd, const mz_arg *args, int argc, char **argv,
                             const char **positional, int max_positional, int *npositional)
{
    int npos = 0;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (!options_done && strcmp(word, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && word[0] == '-' && word[1] != '\0') {
            if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
                mz_args_print_help(cmd, args);
                return 0;
            }
            /* "--name=value" and "--name value" both work. */
            const char *eq = strchr(word, '=');
            size_t name_len = eq ? (size_t)(eq - word) : strlen(word);
            const mz_arg *a = args;
            while (a && a->name && !(strlen(a->name) == name_len && !strncmp(a->name, word, name_len)))
                a++;
            if (!a || !a->name) {
                mz_args_usage_error(cmd, "unknown option '%s'", word);
                return 2;
            }
            const char *text = eq ? eq + 1 : NULL;
            char hint[96];
            if (a->kind != MZ_ARG_FLAG && !text) {
                if (i + 1 >= argc) {
                    mz_args_usage_error(cmd, "%s needs %s", a->name, kind_hint(a, hint, sizeof hint));
                    return 2;
                }
                text = argv[++i];
            }
            if (!parse_value(a, text)) {
                mz_args_usage_error(cmd, "%s: '%s' is not %s", a->name, text,
                                    kind_hint(a, hint, sizeof hint));
                return 2;
            }
            continue;
        }
        if (npos >= max_positional) {
            mz_args_usage_error(cmd, "unexpected argument '%s'", word);
            return 2;
        }
        positional[npos++] = word;
    }
    if (npositional) *npositional = npos;
    return MZ_ARGS_CONTINUE;
}
