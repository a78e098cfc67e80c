/* serial.h — story values as text (serial.c): the state each turn rolls
 * back to, saves, the copy of state across a reload. Messages go to the
 * caller's err buffer. Lua stack effects are noted as [-pop, +push]. */
#ifndef MZ_STORY_SERIAL_H
#define MZ_STORY_SERIAL_H

#include "mz_buf.h"

#include <lua.h>

/* Appends s as a quoted string with escapes ("a\"b\n"). */
void mz_buf_quote(mz_buf *b, const char *s, size_t n);
/* Appends the value at idx: strings, numbers, booleans and tables of them,
 * keys sorted so equal states give equal text. On other values (functions,
 * cycles) returns false with a message naming the path (`what`.key). */
bool story_serial_write(lua_State *L, int idx, const char *what, mz_buf *out, char *err,
                        size_t errcap);
/* Parses one value from text[*pos..len) and pushes it [-0, +1 on success]. */
bool story_serial_read(lua_State *L, const char *text, size_t len, size_t *pos, char *err,
                       size_t errcap);
/* Parses a quoted string at text[*pos]; the result is malloc'd (NULL on error). */
char *story_serial_unquote(const char *text, size_t len, size_t *pos, size_t *out_len);

#endif
