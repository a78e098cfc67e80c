/* exhibit_operator — joins the operator console (exhibit_console, on an
 * mz_web server) to the exhibit's supervisor: the console's status comes
 * from mz_exhibit_sup_status, its controls go to mz_exhibit_sup_command,
 * its session list is the supervisor's. The token (the config's, or a
 * random one) is written to state_dir/console-token (mode 0600) and
 * printed with the page's address.
 *
 * Ownership: the supervisor must outlive the operator. Errors: NULL with
 * mz_error() (the port taken, a bad token). */
#ifndef MZ_EXHIBIT_OPERATOR_H
#define MZ_EXHIBIT_OPERATOR_H

#include "exhibit_config.h"
#include "exhibit_supervisor.h"

typedef struct mz_exhibit_operator mz_exhibit_operator;

mz_exhibit_operator *mz_exhibit_operator_start(const mz_exhibit_config *cfg, mz_exhibit_sup *sup);
void mz_exhibit_operator_stop(mz_exhibit_operator *op);

#endif
