/* sqltext.h — a .sql file split into comments, `-- @` directives and statements, with line numbers. */
#ifndef RACESIM_SQLTEXT_H
#define RACESIM_SQLTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum item_kind { ITEM_COMMENT, ITEM_DIRECTIVE, ITEM_STATEMENT };

struct sql_item {
    enum item_kind kind;
    int line;          /* line of the item's first character (1-based) */
    char *text;        /* comment without "--", directive without "-- @", or statement without
                          its ';' and without trailing/embedded "--" comments; trimmed */
};

struct sql_file {
    char *path;
    struct sql_item *items;
    size_t n_items;
};

/* Reads and splits path. Statements end at ';' outside quotes ('...', "...", `...`, and
 * PostgreSQL's dollar-quoted $$...$$ / $tag$...$tag$ bodies), or at the X of a
 * `-- @delimiter X` line (the mysql client's DELIMITER; `-- @delimiter ;` goes back), so a
 * CREATE PROCEDURE ... BEGIN ...; ... END can be one statement. Returns 0, or -1 with
 * "path:line: what is wrong" (or "path: strerror") in err. On success free with sqltext_free. */
int sqltext_read(const char *path, struct sql_file *f, char *err, size_t errlen);

/* Returns the length of the dollar-quote tag ("$$" or "$name$") that starts at p inside text,
 * or 0 when p does not start one (a '$' right after a letter, digit, '_' or '$' never does). */
size_t sql_dollar_tag_len(const char *text, const char *p);

/* Frees what sqltext_read allocated. Safe on a zeroed struct. */
void sqltext_free(struct sql_file *f);

/* A table of names, each interned once; index = position. */
struct names {
    char **v;
    size_t n;
};

/* Returns the index of name in t, adding it if absent; -1 on out of memory. */
int names_intern(struct names *t, const char *name);

/* Returns the index of name in t, or -1. */
int names_find(const struct names *t, const char *name);

/* Frees the table. */
void names_free(struct names *t);

enum sql_kind { SQL_OTHER, SQL_SELECT, SQL_BEGIN, SQL_COMMIT, SQL_ROLLBACK };

/* One SQL statement ready to prepare: `:name` replaced by `?`, bound by position. */
struct statement {
    int line;
    char *text;        /* as written (for traces and errors) */
    char *sql;         /* with each :name replaced by ? */
    int *vars;         /* for each ?, its index in the owner's names table */
    size_t n_vars;
    enum sql_kind kind;
};

/* Compiles text into st, interning each :name into vars. Returns 0, or -1 with a message
 * (without file:line prefix) in err. */
int statement_compile(const char *text, int line, struct names *vars, struct statement *st,
                      char *err, size_t errlen);

/* Writes st's text into out with its k-th :name replaced by values[k] ("NULL" where nulls[k]),
 * the way the statement was run. n must be st->n_vars (else the text is copied unchanged, as
 * for an IN (:list.field) that expanded). Truncates to outlen; never fails. */
void statement_bound_text(const struct statement *st, const int64_t *values, const bool *nulls,
                          size_t n, char *out, size_t outlen);

/* Frees a compiled statement. */
void statement_free(struct statement *st);

/* Returns 1 if s is a valid name: [A-Za-z_][A-Za-z0-9_]* (at most 63 chars), else 0. */
int name_is_valid(const char *s);

/* The characters a database name may hold besides letters and digits: what MariaDB and
 * PostgreSQL take in a quoted identifier, less quotes, backslash, '.', '/', space and the DSN's
 * separators (? # @ % ;), so that it is safe inside `...`, "..." and '...' unescaped. */
#define DATABASE_NAME_PUNCT "_$-+!~^&,:=()[]{}<>|"

/* Returns 1 if s is a database name racesim accepts: 1 to 63 letters, digits and
 * DATABASE_NAME_PUNCT (e.g. my-db, 2024_bench), else 0. */
int database_name_is_valid(const char *s);

#endif
