/* columns.c — display width of UTF-8 text by wcwidth, in C.UTF-8 whatever the process's locale. */
#include "columns.h"

#include <locale.h>
#include <string.h>
#include <wchar.h>

/* The UTF-8 locale that wcwidth is asked in (made once; (locale_t)0 when there is none). */
static locale_t utf8_locale(void)
{
    static locale_t loc;
    static int tried;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

int columns_char(const char *s, size_t len, size_t *bytes)
{
    locale_t loc = utf8_locale();
    if (!loc) {                       /* no UTF-8 locale: a code point, a column */
        size_t n = 1;
        while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
        *bytes = n;
        return 1;
    }
    locale_t old = uselocale(loc);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, len, &st);
    int w = 1;
    if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
        n = 1;
    } else {
        w = wcwidth(wc);
        if (w < 0)
            w = 1;
    }
    uselocale(old);
    *bytes = n;
    return w;
}

int columns_of(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0, b; i < len; i += b)
        w += columns_char(s + i, len - i, &b);
    return w;
}
