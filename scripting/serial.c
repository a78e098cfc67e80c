/* serial.c — story values as text: the state snapshot each turn rolls back
 * to, saves, and the copy of state across a reload.
 *
 * Grammar: value = string | integer | float | true | false | table;
 * table = "{" [key "=" value {"," key "=" value}] "}"; key = string | number.
 * Strings are quoted with \" \\ \n \r \t \xHH escapes, so a value is one
 * line. Floats always show a '.', 'e', "inf" or "nan" so they read back as
 * floats. Keys are sorted (numbers, then strings bytewise): equal states
 * give equal text. */
#include "serial.h"

#include "vm.h"

#include <lauxlib.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERIAL_MAX_DEPTH 32

void mz_buf_quote(mz_buf *b, const char *s, size_t n)
{
    mz_buf_put(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, flushed in one put */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[5];
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7f) {
            snprintf(hex, sizeof hex, "\\x%02x", c);
            esc = hex;
        }
        if (!esc) {
            run++;
            continue;
        }
        mz_buf_put(b, s + i - run, run);
        run = 0;
        mz_buf_puts(b, esc);
    }
    mz_buf_put(b, s + n - run, run);
    mz_buf_put(b, "\"", 1);
}

/* ---- writing ---- */

typedef struct serial_key {
    int type; /* LUA_TNUMBER or LUA_TSTRING */
    bool is_int;
    lua_Integer i;
    double d;
    const char *s; /* stays valid: the table keeps its keys while we write */
    size_t len;
} serial_key;

static int key_cmp(const void *pa, const void *pb)
{
    const serial_key *a = pa, *b = pb;
    if (a->type != b->type) return a->type == LUA_TNUMBER ? -1 : 1;
    if (a->type == LUA_TSTRING) {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        if (c) return c;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    double x = a->is_int ? (double)a->i : a->d, y = b->is_int ? (double)b->i : b->d;
    if (x != y) return x < y ? -1 : 1;
    if (a->is_int && b->is_int) return a->i < b->i ? -1 : a->i > b->i;
    return a->is_int - b->is_int;
}

static void write_number(lua_State *L, int idx, mz_buf *out)
{
    if (lua_isinteger(L, idx)) {
        mz_buf_printf(out, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
        return;
    }
    double d = lua_tonumber(L, idx);
    if (isnan(d)) {
        mz_buf_puts(out, "nan");
    } else if (isinf(d)) {
        mz_buf_puts(out, d > 0 ? "inf" : "-inf");
    } else {
        char text[40];
        snprintf(text, sizeof text, "%.17g", d);
        mz_buf_puts(out, text);
        if (!strpbrk(text, ".e")) mz_buf_puts(out, ".0");
    }
}

static void path_key(lua_State *L, int idx, char *path, size_t cap, const char *parent)
{
    if (lua_type(L, idx) == LUA_TSTRING)
        snprintf(path, cap, "%s.%s", parent, lua_tostring(L, idx));
    else if (lua_type(L, idx) == LUA_TNUMBER)
        snprintf(path, cap, "%s[%s]", parent, lua_isinteger(L, idx) ? "int" : "number");
    else
        snprintf(path, cap, "%s[%s]", parent, luaL_typename(L, idx));
}

static bool write_value(lua_State *L, int idx, const char *what, int depth, mz_buf *out,
                        char *err, size_t errcap)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        mz_buf_puts(out, lua_toboolean(L, idx) ? "true" : "false");
        return true;
    case LUA_TNUMBER:
        write_number(L, idx, out);
        return true;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        mz_buf_quote(out, s, n);
        return true;
    }
    case LUA_TTABLE:
        break;
    case LUA_TFUNCTION: {
        char defined[MZ_ERROR_MAX / 2];
        story_vm_where_defined(L, idx, defined, sizeof defined);
        snprintf(err, errcap,
                 "%s holds a function (defined at %s); state can hold only strings, numbers, "
                 "booleans and tables of them",
                 what, defined);
        return false;
    }
    default:
        snprintf(err, errcap,
                 "%s holds a %s; state can hold only strings, numbers, booleans and tables of them",
                 what, luaL_typename(L, idx));
        return false;
    }
    if (lua_getmetatable(L, idx)) {
        lua_pop(L, 1);
        snprintf(err, errcap,
                 "%s has a metatable; state tables must be plain (saves and roll-backs keep "
                 "only values)",
                 what);
        return false;
    }
    if (depth >= SERIAL_MAX_DEPTH) {
        snprintf(err, errcap, "%s nests tables more than %d deep (a table that contains itself?)",
                 what, SERIAL_MAX_DEPTH);
        return false;
    }
    if (!lua_checkstack(L, 4)) {
        snprintf(err, errcap, "%s: out of stack", what);
        return false;
    }
    size_t count = 0, cap = 8;
    serial_key *keys = malloc(cap * sizeof *keys);
    bool ok = keys != NULL;
    if (!ok) snprintf(err, errcap, "out of memory");
    lua_pushnil(L);
    while (ok && lua_next(L, idx)) {
        int kt = lua_type(L, -2);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER) {
            char path[256];
            path_key(L, -2, path, sizeof path, what);
            snprintf(err, errcap, "%s: state tables may have only string and number keys", path);
            ok = false;
            lua_pop(L, 2);
            break;
        }
        if (count == cap) {
            serial_key *k = realloc(keys, 2 * cap * sizeof *keys);
            if (!k) {
                snprintf(err, errcap, "out of memory");
                ok = false;
                lua_pop(L, 2);
                break;
            }
            keys = k;
            cap *= 2;
        }
        serial_key *k = &keys[count++];
        *k = (serial_key){.type = kt};
        if (kt == LUA_TSTRING) {
            k->s = lua_tolstring(L, -2, &k->len);
        } else if (lua_isinteger(L, -2)) {
            k->is_int = true;
            k->i = lua_tointeger(L, -2);
        } else {
            k->d = lua_tonumber(L, -2);
        }
        lua_pop(L, 1);
    }
    if (ok) qsort(keys, count, sizeof *keys, key_cmp);
    if (ok) mz_buf_put(out, "{", 1);
    for (size_t i = 0; ok && i < count; i++) {
        if (i) mz_buf_put(out, ",", 1);
        if (keys[i].type == LUA_TSTRING)
            lua_pushlstring(L, keys[i].s, keys[i].len);
        else if (keys[i].is_int)
            lua_pushinteger(L, keys[i].i);
        else
            lua_pushnumber(L, keys[i].d);
        write_value(L, -1, what, depth, out, err, errcap); /* keys are always writable */
        mz_buf_put(out, "=", 1);
        char path[256];
        path_key(L, -1, path, sizeof path, what);
        lua_rawget(L, idx);
        ok = write_value(L, -1, path, depth + 1, out, err, errcap);
        lua_pop(L, 1);
    }
    if (ok) mz_buf_put(out, "}", 1);
    free(keys);
    return ok;
}

bool story_serial_write(lua_State *L, int idx, const char *what, mz_buf *out, char *err,
                        size_t errcap)
{
    if (!write_value(L, idx, what, 0, out, err, errcap)) return false;
    if (out->failed) {
        snprintf(err, errcap, "out of memory");
        return false;
    }
    return true;
}

/* ---- reading ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *story_serial_unquote(const char *text, size_t len, size_t *pos, size_t *out_len)
{
    size_t i = *pos;
    if (i >= len || text[i] != '"') return NULL;
    i++;
    mz_buf b = {0};
    mz_buf_put(&b, "", 0);
    while (i < len && text[i] != '"') {
        size_t start = i;
        while (i < len && text[i] != '"' && text[i] != '\\')
            i++;
        mz_buf_put(&b, text + start, i - start);
        if (i >= len || text[i] == '"') break;
        if (i + 1 >= len) goto bad;
        char c = text[i + 1], ch;
        i += 2;
        switch (c) {
        case 'n':
            ch = '\n';
            break;
        case 'r':
            ch = '\r';
            break;
        case 't':
            ch = '\t';
            break;
        case '"':
            ch = '"';
            break;
        case '\\':
            ch = '\\';
            break;
        case 'x': {
            if (i + 2 > len || hexval(text[i]) < 0 || hexval(text[i + 1]) < 0) goto bad;
            ch = (char)(hexval(text[i]) * 16 + hexval(text[i + 1]));
            i += 2;
            break;
        }
        default:
            goto bad;
        }
        mz_buf_put(&b, &ch, 1);
    }
    if (i >= len || b.failed) goto bad;
    *pos = i + 1;
    if (out_len) *out_len = b.len;
    return b.data;
bad:
    mz_buf_free(&b);
    return NULL;
}

static bool read_value(lua_State *L, const char *t, size_t len, size_t *pos, int depth, char *err,
                       size_t errcap)
{
    size_t i = *pos;
    if (i >= len) {
        snprintf(err, errcap, "value expected at the end of the text");
        return false;
    }
    if (!lua_checkstack(L, 3)) {
        snprintf(err, errcap, "out of stack");
        return false;
    }
    if (t[i] == '"') {
        size_t n;
        char *s = story_serial_unquote(t, len, pos, &n);
        if (!s) {
            snprintf(err, errcap, "bad string at byte %zu", i);
            return false;
        }
        lua_pushlstring(L, s, n);
        free(s);
        return true;
    }
    if (t[i] == '{') {
        if (depth >= SERIAL_MAX_DEPTH) {
            snprintf(err, errcap, "tables nested too deep at byte %zu", i);
            return false;
        }
        lua_newtable(L);
        i++;
        if (i < len && t[i] == '}') {
            *pos = i + 1;
            return true;
        }
        for (;;) {
            *pos = i;
            if (!read_value(L, t, len, pos, depth + 1, err, errcap)) goto fail;
            i = *pos;
            if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
                snprintf(err, errcap, "bad key at byte %zu", i);
                lua_pop(L, 1);
                goto fail;
            }
            if (lua_type(L, -1) == LUA_TNUMBER && isnan(lua_tonumber(L, -1))) {
                snprintf(err, errcap, "nan key at byte %zu", i);
                lua_pop(L, 1);
                goto fail;
            }
            if (i >= len || t[i] != '=') {
                snprintf(err, errcap, "'=' expected at byte %zu", i);
                lua_pop(L, 1);
                goto fail;
            }
            *pos = i + 1;
            if (!read_value(L, t, len, pos, depth + 1, err, errcap)) {
                lua_pop(L, 1);
                goto fail;
            }
            lua_rawset(L, -3);
            i = *pos;
            if (i < len && t[i] == ',') {
                i++;
                continue;
            }
            if (i < len && t[i] == '}') {
                *pos = i + 1;
                return true;
            }
            snprintf(err, errcap, "',' or '}' expected at byte %zu", i);
            goto fail;
        }
    fail:
        lua_pop(L, 1);
        return false;
    }
    static const struct {
        const char *word;
        int value;
    } words[] = {{"true", 1}, {"false", 0}};
    for (size_t w = 0; w < 2; w++) {
        size_t n = strlen(words[w].word);
        if (len - i >= n && !memcmp(t + i, words[w].word, n)) {
            lua_pushboolean(L, words[w].value);
            *pos = i + n;
            return true;
        }
    }
    /* A number: copy its characters out, since text is not NUL-terminated. */
    char num[64];
    size_t n = 0;
    while (i + n < len && n < sizeof num - 1 && t[i + n] && strchr("+-0123456789.eEinfa", t[i + n]))
        n++;
    memcpy(num, t + i, n);
    num[n] = '\0';
    if (n == 0 || !lua_stringtonumber(L, num)) {
        /* Lua's own reader knows neither inf nor nan. */
        char *end;
        double d = strtod(num, &end);
        if (n == 0 || *end || !(isinf(d) || isnan(d))) {
            snprintf(err, errcap, "bad value at byte %zu", i);
            return false;
        }
        lua_pushnumber(L, d);
    }
    *pos = i + n;
    return true;
}

bool story_serial_read(lua_State *L, const char *text, size_t len, size_t *pos, char *err,
                       size_t errcap)
{
    return read_value(L, text, len, pos, 0, err, errcap);
}
