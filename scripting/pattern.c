/* pattern.c — string.find, match, gmatch and gsub for the sandbox.
 *
 * The same pattern language as Lua 5.4's (manual §6.4.1), matched by a
 * backtracking matcher of our own that counts its steps and checks the
 * turn's clock every few thousand of them. Lua's own matcher runs in C
 * without hooks, so a pattern that backtracks badly ("(.-)(.-)(.-)x" on a
 * long line) or a search of a huge string could hold a turn for minutes;
 * here it ends with "ran too long" like any other runaway story code.
 *
 * Errors raise Lua errors (longjmp): nothing here holds memory that a raise
 * would leak (captures live in the matcher on the C stack, results in
 * luaL_Buffers on the Lua stack). */
#include "pattern.h"

#include "vm.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#define MAX_CAPTURES 32
#define MAX_DEPTH 200     /* nested match calls: what Lua allows too */
#define CHECK_EVERY 4096u /* steps between looks at the clock */
#define CAP_UNFINISHED ((ptrdiff_t)-1)
#define CAP_POSITION ((ptrdiff_t)-2)
#define SPECIALS "^$*+?.([%-"

typedef struct matcher {
    lua_State *L;
    const char *src, *src_end; /* the subject */
    const char *pat_end;
    int depth;
    unsigned steps;
    int level; /* captures open or closed so far */
    struct {
        const char *start;
        ptrdiff_t len; /* or CAP_UNFINISHED / CAP_POSITION */
    } cap[MAX_CAPTURES];
} matcher;

static void step(matcher *m, unsigned n)
{
    unsigned before = m->steps;
    m->steps += n;
    if (m->steps / CHECK_EVERY != before / CHECK_EVERY) story_vm_check_time(m->L);
}

/* The end of the single-character class at p (a letter, %x, . or [set]). */
static const char *class_end(matcher *m, const char *p)
{
    char c = *p++;
    if (c == '%') {
        if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c != '[') return p;
    if (p < m->pat_end && *p == '^') p++;
    do { /* the first ']' of a set is itself */
        if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (missing ']')");
        c = *p++;
        if (c == '%') {
            if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (missing ']')");
            p++;
        }
    } while (*p != ']');
    return p + 1;
}

static bool class_match(int c, int cl)
{
    bool res;
    switch (tolower(cl)) {
    case 'a':
        res = isalpha(c);
        break;
    case 'c':
        res = iscntrl(c);
        break;
    case 'd':
        res = isdigit(c);
        break;
    case 'g':
        res = isgraph(c);
        break;
    case 'l':
        res = islower(c);
        break;
    case 'p':
        res = ispunct(c);
        break;
    case 's':
        res = isspace(c);
        break;
    case 'u':
        res = isupper(c);
        break;
    case 'w':
        res = isalnum(c);
        break;
    case 'x':
        res = isxdigit(c);
        break;
    default:
        return cl == c; /* %. and the like: the character itself */
    }
    return isupper(cl) ? !res : res;
}

/* p at '[', last at the closing ']'. */
static bool set_match(int c, const char *p, const char *last)
{
    bool yes = true;
    if (*++p == '^') {
        yes = false;
        p++;
    }
    for (; p < last; p++) {
        if (*p == '%') {
            p++;
            if (class_match(c, (unsigned char)*p)) return yes;
        } else if (p[1] == '-' && p + 2 < last) {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return yes;
            p += 2;
        } else if ((unsigned char)*p == c) {
            return yes;
        }
    }
    return !yes;
}

static bool single_match(const matcher *m, const char *s, const char *p, const char *ep)
{
    if (s >= m->src_end) return false;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.':
        return true;
    case '%':
        return class_match(c, (unsigned char)p[1]);
    case '[':
        return set_match(c, p, ep - 1);
    default:
        return (unsigned char)*p == c;
    }
}

static const char *match(matcher *m, const char *s, const char *p);

static const char *max_expand(matcher *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t i = 0;
    while (single_match(m, s + i, p, ep)) {
        i++;
        step(m, 1);
    }
    for (; i >= 0; i--) { /* the longest run first, then shorter */
        const char *res = match(m, s + i, ep + 1);
        if (res) return res;
    }
    return NULL;
}

static const char *min_expand(matcher *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *res = match(m, s, ep + 1);
        if (res) return res;
        if (!single_match(m, s, p, ep)) return NULL;
        s++;
        step(m, 1);
    }
}

static const char *start_capture(matcher *m, const char *s, const char *p, ptrdiff_t what)
{
    if (m->level >= MAX_CAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].start = s;
    m->cap[m->level].len = what;
    m->level++;
    const char *res = match(m, s, p);
    if (!res) m->level--;
    return res;
}

static const char *end_capture(matcher *m, const char *s, const char *p)
{
    int l = m->level - 1;
    while (l >= 0 && m->cap[l].len != CAP_UNFINISHED)
        l--;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].start;
    const char *res = match(m, s, p);
    if (!res) m->cap[l].len = CAP_UNFINISHED;
    return res;
}

static int capture_index(matcher *m, int c)
{
    int l = c - '1';
    if (l < 0 || l >= m->level || m->cap[l].len == CAP_UNFINISHED)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    return l;
}

static const char *match_capture(matcher *m, const char *s, int c)
{
    int l = capture_index(m, c);
    size_t len = (size_t)m->cap[l].len;
    if (m->cap[l].len == CAP_POSITION) len = 0;
    step(m, 1 + (unsigned)(len >> 6));
    if ((size_t)(m->src_end - s) >= len && !memcmp(m->cap[l].start, s, len)) return s + len;
    return NULL;
}

static const char *match_balance(matcher *m, const char *s, const char *p)
{
    if (p + 1 >= m->pat_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != p[0]) return NULL;
    int open = 1;
    while (++s < m->src_end) {
        step(m, 1);
        if (*s == p[1]) {
            if (--open == 0) return s + 1;
        } else if (*s == p[0]) {
            open++;
        }
    }
    return NULL;
}

static const char *match(matcher *m, const char *s, const char *p)
{
    if (++m->depth > MAX_DEPTH) luaL_error(m->L, "pattern too complex");
    const char *res = NULL;
    for (;;) {
        step(m, 1);
        if (p >= m->pat_end) {
            res = s;
            break;
        }
        if (*p == '(') {
            if (p + 1 < m->pat_end && p[1] == ')')
                res = start_capture(m, s, p + 2, CAP_POSITION);
            else
                res = start_capture(m, s, p + 1, CAP_UNFINISHED);
            break;
        }
        if (*p == ')') {
            res = end_capture(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m->pat_end) {
            res = s == m->src_end ? s : NULL;
            break;
        }
        if (*p == '%' && p + 1 < m->pat_end && p[1] == 'b') {
            s = match_balance(m, s, p + 2);
            if (!s) break;
            p += 4;
            continue;
        }
        if (*p == '%' && p + 1 < m->pat_end && p[1] == 'f') {
            p += 2;
            if (p >= m->pat_end || *p != '[')
                luaL_error(m->L, "missing '[' after '%%f' in pattern");
            const char *ep = class_end(m, p);
            int prev = s == m->src ? 0 : (unsigned char)s[-1];
            int cur = s < m->src_end ? (unsigned char)*s : 0;
            if (set_match(prev, p, ep - 1) || !set_match(cur, p, ep - 1)) break;
            p = ep;
            continue;
        }
        if (*p == '%' && p + 1 < m->pat_end && isdigit((unsigned char)p[1])) {
            s = match_capture(m, s, (unsigned char)p[1]);
            if (!s) break;
            p += 2;
            continue;
        }
        const char *ep = class_end(m, p);
        char q = ep < m->pat_end ? *ep : '\0';
        if (!single_match(m, s, p, ep)) {
            if (q == '*' || q == '?' || q == '-') { /* may match nothing */
                p = ep + 1;
                continue;
            }
            break;
        }
        if (q == '?') {
            res = match(m, s + 1, ep + 1);
            if (res) break;
            p = ep + 1;
            continue;
        }
        if (q == '+') {
            res = max_expand(m, s + 1, p, ep);
        } else if (q == '*') {
            res = max_expand(m, s, p, ep);
        } else if (q == '-') {
            res = min_expand(m, s, p, ep);
        } else {
            s++;
            p = ep;
            continue;
        }
        break;
    }
    m->depth--;
    return res;
}

/* ---- captures to Lua values ---- */

static void push_capture(matcher *m, int i, const char *s, const char *e)
{
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s)); /* no captures: the whole match */
        return;
    }
    ptrdiff_t len = m->cap[i].len;
    if (len == CAP_UNFINISHED) luaL_error(m->L, "unfinished capture");
    if (len == CAP_POSITION)
        lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->src) + 1);
    else
        lua_pushlstring(m->L, m->cap[i].start, (size_t)len);
}

/* Pushes the captures (or the whole match when s is not NULL and there are
 * none); returns how many. */
static int push_captures(matcher *m, const char *s, const char *e)
{
    int n = m->level == 0 && s ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

static void matcher_init(matcher *m, lua_State *L, const char *s, size_t ls, const char *p,
                         size_t lp)
{
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat_end = p + lp;
    m->steps = 0;
    m->depth = 0;
    m->level = 0;
}

/* Before every attempt at a new position. */
static void matcher_reset(matcher *m)
{
    m->level = 0;
    m->depth = 0;
}

/* init as string.find takes it (1-based, negative from the end) -> offset. */
static size_t start_offset(lua_Integer init, size_t len)
{
    if (init > 0) return (size_t)init - 1;
    if (init == 0 || (size_t)0 - (lua_Unsigned)init > len) return 0;
    return len - ((size_t)0 - (lua_Unsigned)init);
}

static bool has_specials(const char *p, size_t lp)
{
    for (size_t i = 0; i < lp; i++)
        if (p[i] && strchr(SPECIALS, p[i])) return true;
    return false;
}

/* A plain search, charged to the clock like matching. */
static const char *find_plain(matcher *m, const char *s, size_t ls, const char *p, size_t lp)
{
    if (lp == 0) return s;
    const char *end = s + ls;
    while ((size_t)(end - s) >= lp) {
        const char *hit = memchr(s, p[0], (size_t)(end - s) - lp + 1);
        if (!hit) return NULL;
        step(m, 1 + (unsigned)(lp >> 6));
        if (!memcmp(hit + 1, p + 1, lp - 1)) return hit;
        s = hit + 1;
    }
    return NULL;
}

static int find_or_match(lua_State *L, bool find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    story_vm_check_time(L);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *hit = find_plain(&m, s + init, ls - init, p, lp);
        if (!hit) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
        lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
        return 2;
    }
    bool anchor = lp > 0 && *p == '^';
    if (anchor) p++;
    const char *at = s + init;
    do {
        matcher_reset(&m);
        const char *e = match(&m, at, p);
        if (e) {
            if (!find) return push_captures(&m, at, e);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return push_captures(&m, NULL, NULL) + 2;
        }
    } while (at++ < m.src_end && !anchor);
    luaL_pushfail(L);
    return 1;
}

static int l_find(lua_State *L)
{
    return find_or_match(L, true);
}

static int l_match(lua_State *L)
{
    return find_or_match(L, false);
}

/* gmatch's iterator: upvalues subject, pattern, state. */
typedef struct gmatch_state {
    size_t pos;     /* where the next search starts */
    ptrdiff_t last; /* end of the last match, -1 before the first */
} gmatch_state;

static int gmatch_next(lua_State *L)
{
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    gmatch_state *st = lua_touserdata(L, lua_upvalueindex(3));
    story_vm_check_time(L);
    if (st->pos > ls) return 0;
    matcher m;
    matcher_init(&m, L, s, ls, p, lp);
    for (const char *at = s + st->pos; at <= m.src_end; at++) {
        matcher_reset(&m);
        const char *e = match(&m, at, p);
        if (e && e - s != st->last) {
            st->pos = (size_t)(e - s);
            st->last = e - s;
            return push_captures(&m, at, e);
        }
    }
    return 0;
}

static int l_gmatch(lua_State *L)
{
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);
    gmatch_state *st = lua_newuserdatauv(L, sizeof *st, 0);
    st->pos = init > ls ? ls + 1 : init; /* past the end: finds nothing */
    st->last = -1;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* Appends what replaces the match s..e: repl is at index 3. */
static void add_replacement(matcher *m, luaL_Buffer *b, const char *s, const char *e, int type)
{
    lua_State *L = m->L;
    if (type == LUA_TSTRING || type == LUA_TNUMBER) {
        size_t len;
        const char *r = lua_tolstring(L, 3, &len);
        for (size_t i = 0; i < len; i++) {
            if (r[i] != '%') {
                luaL_addchar(b, r[i]);
                continue;
            }
            i++;
            if (i < len && r[i] == '%') {
                luaL_addchar(b, '%');
            } else if (i < len && isdigit((unsigned char)r[i])) {
                if (r[i] == '0')
                    lua_pushlstring(L, s, (size_t)(e - s));
                else
                    push_capture(m, r[i] - '1', s, e);
                luaL_tolstring(L, -1, NULL);
                lua_remove(L, -2);
                luaL_addvalue(b);
            } else {
                luaL_error(L, "invalid use of '%%' in replacement string");
            }
        }
        return;
    }
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    }
    if (!lua_toboolean(L, -1)) { /* nil or false: keep the original */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

static int l_gsub(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L,
                     type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
                         type == LUA_TTABLE,
                     3, "string/function/table");
    story_vm_check_time(L);
    bool anchor = lp > 0 && *p == '^';
    if (anchor) p++;
    matcher m;
    matcher_init(&m, L, s, ls, p, lp - anchor);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const char *at = s, *last = NULL;
    lua_Integer n = 0;
    while (n < max) {
        matcher_reset(&m);
        const char *e = match(&m, at, p);
        if (e && e != last) {
            n++;
            add_replacement(&m, &b, at, e, type);
            at = last = e;
        } else if (at < m.src_end) {
            luaL_addchar(&b, *at++);
        } else {
            break;
        }
        if (anchor) break;
    }
    luaL_addlstring(&b, at, (size_t)(m.src_end - at));
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}

void story_pattern_bind(lua_State *L, int string_table)
{
    static const luaL_Reg fns[] = {
        {"find", l_find}, {"match", l_match}, {"gmatch", l_gmatch}, {"gsub", l_gsub}, {NULL, NULL}};
    string_table = lua_absindex(L, string_table);
    lua_pushvalue(L, string_table);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
