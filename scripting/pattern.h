/* pattern.h — Lua's string patterns, our own matcher, which checks the
 * turn's clock as it goes (pattern.c). */
#ifndef MZ_STORY_PATTERN_H
#define MZ_STORY_PATTERN_H

#include <lua.h>

/* string.find, match, gmatch and gsub, interruptible (pattern.c). */
void story_pattern_bind(lua_State *L, int string_table);

#endif
