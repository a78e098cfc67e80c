#include "mz_commands.h"
#include <stddef.h>
static int run_bench(const mz_command *cmd, int argc, char **argv) { (void)cmd; (void)argc; (void)argv; return 2; }
const mz_command mz_cmd_bench = {"bench", "generator benchmark", "[options]", NULL, run_bench};
