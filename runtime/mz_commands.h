/* The subcommands of `maze`, one file each (cmd_NAME.c), listed in main.c. */
#ifndef MZ_COMMANDS_H
#define MZ_COMMANDS_H

#include "mz_args.h"

extern const mz_command mz_cmd_play;
extern const mz_command mz_cmd_lint;
extern const mz_command mz_cmd_test;
extern const mz_command mz_cmd_graph;
extern const mz_command mz_cmd_gen;
extern const mz_command mz_cmd_bench;
extern const mz_command mz_cmd_serve;
extern const mz_command mz_cmd_verify;
extern const mz_command mz_cmd_exhibit;
extern const mz_command mz_cmd_exhibit_player; /* hidden: the player maze exhibit runs */

#endif
