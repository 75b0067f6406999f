/* sqltext.c — split a .sql file into comments, directives and statements; compile :name params. */
#include "sqltext.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errmsg.h"

#define FILE_MAX (1 << 20)   /* a strategy file is small; refuse anything over 1 MiB */

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_put(struct buf *b, char c)
{
    if (b->len + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int add_item(struct sql_file *f, enum item_kind kind, int line, const char *text)
{
    struct sql_item *items = realloc(f->items, (f->n_items + 1) * sizeof *items);
    if (!items)
        return -1;
    f->items = items;
    char *copy = strdup(text);
    if (!copy)
        return -1;
    items[f->n_items++] = (struct sql_item){kind, line, copy};
    return 0;
}

static char *read_all(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        errorf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *data = malloc(FILE_MAX + 1);
    size_t n = data ? fread(data, 1, FILE_MAX + 1, fp) : 0;
    int bad = data == NULL || ferror(fp);
    fclose(fp);
    if (bad || n > FILE_MAX) {
        free(data);
        errorf(err, errlen, "%s: %s", path, bad ? "cannot read the file" : "larger than 1 MiB");
        return NULL;
    }
    data[n] = '\0';
    if (memchr(data, '\0', n)) {
        free(data);
        errorf(err, errlen, "%s: not a text file", path);
        return NULL;
    }
    return data;
}

#define DELIMITER_MAX 8
#define DOLLAR_TAG_MAX 64

/* State carried across lines while splitting. */
struct splitter {
    struct sql_file *f;
    struct buf stmt;
    int stmt_line;     /* 0 while the statement buffer holds only white space */
    char quote;        /* the open quote character ('$' inside a $tag$ body), or 0 */
    int quote_line;
    char tag[DOLLAR_TAG_MAX + 2];          /* the open "$tag$" when quote is '$' */
    char delimiter[DELIMITER_MAX + 1];     /* what ends a statement: ";" unless -- @delimiter */
};

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

size_t sql_dollar_tag_len(const char *text, const char *p)
{
    if (p[0] != '$' || (p > text && is_ident_char(p[-1])))
        return 0;
    size_t n = 1;
    if (isalpha((unsigned char)p[1]) || p[1] == '_')
        while (n <= DOLLAR_TAG_MAX && (isalnum((unsigned char)p[n]) || p[n] == '_'))
            n++;
    return p[n] == '$' ? n + 1 : 0;
}

/* `-- @delimiter X`: X (1 to 8 characters, no space, quote or '-') ends statements from the
 * next line on; `-- @delimiter ;` goes back. */
static int set_delimiter(struct splitter *s, const char *arg, int lineno, char *err, size_t errlen)
{
    size_t n = strlen(arg);
    if (n == 0 || n > DELIMITER_MAX || strpbrk(arg, " \t'\"`-#$"))
        return errorf(err, errlen, "%s:%d: expected '-- @delimiter X' (1 to %d characters, no "
                      "space, quote, '-', '#' or '$'; '-- @delimiter ;' goes back)",
                      s->f->path, lineno, DELIMITER_MAX);
    memcpy(s->delimiter, arg, n + 1);
    return 0;
}

static int end_statement(struct splitter *s)
{
    char *text = trim(s->stmt.p ? s->stmt.p : (char *)"");
    int rc = 0;
    if (*text)
        rc = add_item(s->f, ITEM_STATEMENT, s->stmt_line, text);
    s->stmt.len = 0;
    if (s->stmt.p)
        s->stmt.p[0] = '\0';
    s->stmt_line = 0;
    return rc;
}

static int is_comment_start(const char *p)
{
    return p[0] == '-' && p[1] == '-' && (p[2] == '\0' || isspace((unsigned char)p[2]));
}

/* Splits one line (without its newline) into the statement buffer. */
static int split_line(struct splitter *s, char *line, int lineno, char *err, size_t errlen)
{
    char *t = line;
    while (*t == ' ' || *t == '\t')
        t++;
    if (!s->quote && is_comment_start(t)) {
        int directive = trim(t + 2)[0] == '@';
        if (s->stmt_line == 0) {
            char *body = trim(t + 2);
            char *d = directive ? trim(body + 1) : NULL;
            if (d && strncmp(d, "delimiter", 9) == 0 && (!d[9] || isspace((unsigned char)d[9])))
                return set_delimiter(s, trim(d + 9), lineno, err, errlen);
            if (directive)
                return add_item(s->f, ITEM_DIRECTIVE, lineno, trim(body + 1));
            return add_item(s->f, ITEM_COMMENT, lineno, body);
        }
        if (directive)
            return errorf(err, errlen, "%s:%d: directive inside a statement (is a ';' missing on line %d?)",
                        s->f->path, lineno, s->stmt_line);
        return 0;
    }
    size_t delimiter_len = strlen(s->delimiter);
    for (char *p = line; *p; p++) {
        char c = *p;
        if (s->quote == '$') {
            size_t n = strlen(s->tag);
            if (strncmp(p, s->tag, n) == 0) {
                s->quote = 0;
                for (size_t k = 0; k + 1 < n; k++)
                    if (buf_put(&s->stmt, *p++))
                        return -1;
                c = *p;
            }
        } else if (s->quote) {
            if (c == '\\' && s->quote != '`' && p[1]) {
                if (buf_put(&s->stmt, c) || buf_put(&s->stmt, *++p))
                    return -1;
                continue;
            }
            if (c == s->quote)
                s->quote = 0;
        } else if (c == '\'' || c == '"' || c == '`') {
            s->quote = c;
            s->quote_line = lineno;
        } else if (c == '$' && sql_dollar_tag_len(line, p)) {
            size_t n = sql_dollar_tag_len(line, p);
            memcpy(s->tag, p, n);
            s->tag[n] = '\0';
            s->quote = '$';
            s->quote_line = lineno;
            for (size_t k = 0; k + 1 < n; k++)
                if (buf_put(&s->stmt, *p++))
                    return -1;
            c = *p;
        } else if (is_comment_start(p) || c == '#') {
            break;
        } else if (strncmp(p, s->delimiter, delimiter_len) == 0) {
            if (end_statement(s))
                return -1;
            p += delimiter_len - 1;
            continue;
        }
        if (s->stmt_line == 0 && !isspace((unsigned char)c))
            s->stmt_line = lineno;
        if (buf_put(&s->stmt, c))
            return -1;
    }
    return buf_put(&s->stmt, '\n');
}

int sqltext_read(const char *path, struct sql_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    char *data = read_all(path, err, errlen);
    if (!data)
        return -1;
    f->path = strdup(path);
    struct splitter s = {.f = f, .delimiter = ";"};
    int rc = f->path ? 0 : -1;
    int lineno = 0;
    for (char *line = data; rc == 0 && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        rc = split_line(&s, line, ++lineno, err, errlen);
        line = nl ? nl + 1 : NULL;
    }
    if (rc == 0 && s.quote)
        rc = errorf(err, errlen, "%s:%d: unterminated string (%s)", path, s.quote_line,
                    s.quote == '$' ? s.tag : (char[]){s.quote, '\0'});
    if (rc == 0 && s.stmt_line)
        rc = errorf(err, errlen, "%s:%d: statement not terminated by '%s'", path, s.stmt_line,
                    s.delimiter);
    if (rc != 0 && !*err)
        errorf(err, errlen, "%s: out of memory", path);
    free(s.stmt.p);
    free(data);
    if (rc != 0)
        sqltext_free(f);
    return rc;
}

void sqltext_free(struct sql_file *f)
{
    for (size_t i = 0; i < f->n_items; i++)
        free(f->items[i].text);
    free(f->items);
    free(f->path);
    memset(f, 0, sizeof *f);
}

int names_find(const struct names *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i], name) == 0)
            return (int)i;
    return -1;
}

int names_intern(struct names *t, const char *name)
{
    int i = names_find(t, name);
    if (i >= 0)
        return i;
    char **v = realloc(t->v, (t->n + 1) * sizeof *v);
    if (!v)
        return -1;
    t->v = v;
    if (!(v[t->n] = strdup(name)))
        return -1;
    return (int)t->n++;
}

void names_free(struct names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

int name_is_valid(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    size_t n = 0;
    for (; s[n]; n++)
        if (!(isalnum((unsigned char)s[n]) || s[n] == '_'))
            return 0;
    return n < 64;
}

int database_name_is_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!(isalnum((unsigned char)s[n]) || strchr(DATABASE_NAME_PUNCT, s[n])))
            return 0;
    return n > 0 && n < 64;
}

static int starts_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(s, word, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

static enum sql_kind kind_of(const char *s)
{
    if (starts_word(s, "START") || starts_word(s, "BEGIN"))
        return SQL_BEGIN;
    if (starts_word(s, "COMMIT"))
        return SQL_COMMIT;
    if (starts_word(s, "ROLLBACK"))
        return SQL_ROLLBACK;
    if (starts_word(s, "SELECT") || starts_word(s, "WITH") || starts_word(s, "CALL"))
        return SQL_SELECT;
    return SQL_OTHER;
}

static int push_var(struct statement *st, int index)
{
    int *v = realloc(st->vars, (st->n_vars + 1) * sizeof *v);
    if (!v)
        return -1;
    st->vars = v;
    v[st->n_vars++] = index;
    return 0;
}

/* Reads a :name at p (p points past the ':'); returns its length, 0 if none. */
static size_t param_name_len(const char *p)
{
    if (!(isalpha((unsigned char)*p) || *p == '_'))
        return 0;
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_' || (p[n] == '.' && isalpha((unsigned char)p[n + 1])))
        n++;
    return n;
}

void statement_bound_text(const struct statement *st, const int64_t *values, const bool *nulls,
                          size_t n, char *out, size_t outlen)
{
    size_t o = 0, k = 0;
    char quote = 0;
    if (outlen == 0)
        return;
    for (const char *p = st->text; *p && o + 1 < outlen; p++) {
        size_t len = 0;
        if (quote) {
            if (*p == '\\' && quote != '`' && p[1] && o + 2 < outlen)
                out[o++] = *p++;
            else if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
        } else if (*p == ':' && n == st->n_vars && k < n && (len = param_name_len(p + 1)) > 0) {
            char v[24];
            if (nulls && nulls[k])
                snprintf(v, sizeof v, "NULL");
            else
                snprintf(v, sizeof v, "%lld", (long long)values[k]);
            k++;
            for (const char *c = v; *c && o + 1 < outlen; c++)
                out[o++] = *c;
            p += len;
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

int statement_compile(const char *text, int line, struct names *vars, struct statement *st,
                      char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    st->line = line;
    st->kind = kind_of(text);
    st->text = strdup(text);
    struct buf out = {0};
    char quote = 0;
    int rc = st->text ? 0 : -1;
    const char *tag_end = NULL;     /* inside a $tag$ body: the closing tag */
    size_t tag_len = 0;
    for (const char *p = text; rc == 0 && *p; p++) {
        if (tag_end) {
            if (strncmp(p, tag_end, tag_len) == 0) {
                for (size_t k = 0; rc == 0 && k + 1 < tag_len; k++)
                    rc = buf_put(&out, *p++);
                tag_end = NULL;
            }
        } else if (quote) {
            if (*p == '\\' && quote != '`' && p[1])
                rc = buf_put(&out, *p++);
            else if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
        } else if (*p == '$' && sql_dollar_tag_len(text, p)) {
            tag_end = p;
            tag_len = sql_dollar_tag_len(text, p);
            for (size_t k = 0; rc == 0 && k + 1 < tag_len; k++)
                rc = buf_put(&out, *p++);
        } else if (*p == '?') {
            statement_free(st);
            free(out.p);
            return errorf(err, errlen, "use :name parameters, not '?'");
        } else if (*p == ':' && param_name_len(p + 1) > 0) {
            size_t n = param_name_len(p + 1);
            char name[128];
            if (n >= sizeof name) {
                statement_free(st);
                free(out.p);
                return errorf(err, errlen, "parameter name too long");
            }
            memcpy(name, p + 1, n);
            name[n] = '\0';
            int idx = names_intern(vars, name);
            rc = idx < 0 ? -1 : push_var(st, idx);
            if (rc == 0)
                rc = buf_put(&out, '?');
            p += n;
            continue;
        }
        if (rc == 0)
            rc = buf_put(&out, *p);
    }
    if (rc == 0 && !out.p)
        rc = buf_put(&out, ' ');
    st->sql = out.p;
    if (rc != 0) {
        statement_free(st);
        return errorf(err, errlen, "out of memory");
    }
    return 0;
}

void statement_free(struct statement *st)
{
    free(st->text);
    free(st->sql);
    free(st->vars);
    memset(st, 0, sizeof *st);
}
