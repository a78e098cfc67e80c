/* maze — the narrative maze engine's one program; work is done by subcommands. */
#include "mz_commands.h"
#include "mz_log.h"

#include <stdio.h>
#include <string.h>

static const mz_command *const commands[] = {
    &mz_cmd_play,
    &mz_cmd_lint,
    &mz_cmd_test,
    &mz_cmd_graph,
    &mz_cmd_gen,
    &mz_cmd_bench,
    &mz_cmd_serve,
    &mz_cmd_verify,
    &mz_cmd_exhibit,
    &mz_cmd_exhibit_player,
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void print_help(void)
{
    printf("usage: maze COMMAND [options]\n\n"
           "The narrative maze engine: a Lua story graph turns what a viewer types into\n"
           "a prompt, and a generator renders the next scene from the frames already shown.\n\n"
           "commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (commands[i]->summary) /* none: internal (exhibit-player) */
            printf("  %-8s %s\n", commands[i]->name, commands[i]->summary);
    printf("\n'maze COMMAND --help' tells more. MZ_LOG=debug|info|warn|error sets logging.\n");
}

int main(int argc, char **argv)
{
    mz_log_init();
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        print_help();
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("maze %s\n", MZ_VERSION);
        return 0;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (!strcmp(argv[1], commands[i]->name))
            return commands[i]->run(commands[i], argc - 1, argv + 1);
    fprintf(stderr, "maze: unknown command '%s' (see 'maze --help')\n", argv[1]);
    return 2;
}
