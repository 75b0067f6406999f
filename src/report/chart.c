/* chart.c — charts drawn by gnuplot: a generated script, gnuplot run as a child process. */
#include "chart.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

extern char **environ;

/* Okabe-Ito, then a few more: distinguishable, also for most colour-blind readers. */
static const char *palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                "#56B4E9", "#000000", "#8C564B", "#999999", "#F0E442"};
#define PALETTE_N (sizeof palette / sizeof palette[0])

const char *chart_colour(int colour)
{
    return palette[(size_t)(colour < 0 ? 0 : colour) % PALETTE_N];
}

void chart_csv_path(const char *path, char *out, size_t outlen)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    snprintf(out, outlen, "%.*s.csv", (int)n, path);
}

int chart_check_paths(const char *path, const char *out, bool force, char *err, size_t errlen)
{
    char csv[PATH_MAX + 8];
    chart_csv_path(path, csv, sizeof csv);
    if (out && strcmp(out, csv) == 0) {
        snprintf(err, errlen, "--out=%s: the chart's data goes there (--chart=%s); pick another name",
                 out, path);
        return 2;
    }
    if (output_check("--chart", path, force, err, errlen))
        return 2;
    return output_check("--chart", csv, force, err, errlen);
}

void chart_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if (*s != '\n')
            fputc(*s, f);
    }
    fputc('\'', f);
}

static void number(FILE *f, double v, bool log)
{
    if (isfinite(v) && (v > 0 || (!log && v == 0)))
        fprintf(f, " %.6g", v);
    else
        fputs(" NaN", f);   /* a log axis cannot show 0: missing */
}

static void data_blocks(FILE *f, const struct chart *c)
{
    for (size_t s = 0; s < c->n_series; s++) {
        const struct chart_series *cs = &c->series[s];
        fprintf(f, "$s%zu << EOD\n", s);
        for (size_t i = 0; i < cs->n; i++) {
            fprintf(f, "%.6g", cs->x[i]);
            for (int p = 0; p < CHART_PANELS_MAX; p++) {
                number(f, cs->y[p][i], c->panel[p].logy);
                number(f, cs->lo[p][i], c->panel[p].logy);
                number(f, cs->hi[p][i], c->panel[p].logy);
            }
            fputc('\n', f);
        }
        fputs("EOD\n", f);
    }
}

static void series_title(FILE *f, const struct chart_series *cs)
{
    char t[96];
    snprintf(t, sizeof t, "%s%s", cs->name, cs->unsafe ? " ✗ unsafe" : "");
    fputs(" title ", f);
    chart_quoted(f, t);
}

static void style(FILE *f, const struct chart_series *cs)
{
    fprintf(f, " lc rgb '%s' lw 2 dt %d", palette[(size_t)cs->colour % PALETTE_N], cs->unsafe ? 2 : 1);
}

static void panel_lines(FILE *f, const struct chart *c, int p, bool last)
{
    double lo = 0, hi = 0;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->series[s].n; i++) {
            double x = c->series[s].x[i];
            lo = lo == 0 || x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    if (lo > 0)     /* a little room beyond the first and last buyer counts */
        fprintf(f, "set xrange [%.6g:%.6g]\n", lo / 1.4, hi * 1.4);
    /* one key for all panels, under them in one row: the series are the same in each */
    fputs(last ? "set key at screen 0.82, screen 0.86 left top vertical Left reverse samplen 3\n"
               : "unset key\n", f);
    fputs("set logscale x\nset xtics (", f);
    const struct chart_series *first = c->n_series ? &c->series[0] : NULL;
    for (size_t i = 0; first && i < first->n; i++)
        fprintf(f, "%s'%.0f' %.6g", i ? ", " : "", first->x[i], first->x[i]);
    fputs(") nomirror\nset xlabel ", f);
    chart_quoted(f, c->xlabel);
    fputs("\nplot", f);
    int col = 2 + 3 * p;
    for (size_t s = 0; s < c->n_series; s++) {
        fprintf(f, "%s $s%zu using 1:%d:%d:%d with yerrorlines pt %zu ps %s", s ? "," : "", s, col,
                col + 1, col + 2, c->series[s].unsafe ? 2 : 5 + s % 9, c->series[s].unsafe ? "1.6" : "1.2");
        style(f, &c->series[s]);
        series_title(f, &c->series[s]);
    }
    fputc('\n', f);
}

/* Human tics for a log axis in ms: "1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s". */
void chart_ms_tics(FILE *f, const char *axis)
{
    fprintf(f, "set %stics (", axis);
    static const char *names[] = {"0.01 ms", "0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s", "1000 s"};
    double v = 0.01;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++, v *= 10)
        fprintf(f, "%s'%s' %g", i ? ", " : "", names[i], v);
    fputs(") nomirror\n", f);
}

static void body(FILE *f, const void *data)
{
    const struct chart *c = data;
    data_blocks(f, c);
    size_t np = c->n_panels ? c->n_panels : 2;
    fprintf(f, "set multiplot layout 1,%zu title ", np);
    chart_quoted(f, c->title);
    fputs(" margins 0.06,0.80,0.16,0.86 spacing 0.06,0", f);
    fputs("\nset grid ytics lc rgb '#cccccc'\nset border 3\nset ytics nomirror\n"
          "set bars small\n", f);
    for (size_t p = 0; p < np; p++) {
        const struct chart_panel *cp = &c->panel[p];
        fputs(cp->logy ? "set logscale y\n" : "unset logscale y\nset yrange [0:*]\n", f);
        if (cp->ms && cp->logy)
            chart_ms_tics(f, "y");
        else
            fputs("set ytics auto nomirror\n", f);
        fputs("set title ", f);
        chart_quoted(f, cp->title);
        fputs("\nset ylabel ", f);
        chart_quoted(f, cp->ylabel);
        fputc('\n', f);
        panel_lines(f, c, (int)p, p + 1 == np);
    }
    fputs("unset multiplot\n", f);
}

static void script(FILE *f, chart_body_fn *fn, const void *data, const char *output, bool png, int w, int h)
{
    if (png)
        fprintf(f, "set terminal pngcairo size %d,%d font 'Sans,11' noenhanced background rgb 'white'\n", w, h);
    else
        fprintf(f, "set terminal svg size %d,%d dynamic font 'Sans,13' noenhanced background rgb 'white'\n", w, h);
    fputs("set encoding utf8\nset output ", f);
    chart_quoted(f, output);
    fputs("\nset datafile missing 'NaN'\n", f);
    fn(f, data);
    fputs("set output\n", f);
}

/* The gnuplot in PATH (as execvp would find it), or -1. */
static int find_gnuplot(char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path;; p++) {
        size_t n = strcspn(p, ":");
        snprintf(out, outlen, "%.*s%sgnuplot", (int)n, n ? p : ".", n && p[n - 1] == '/' ? "" : "/");
        if (access(out, X_OK) == 0)
            return 0;
        p += n;
        if (!*p)
            return -1;
    }
}

/* Runs gnuplot on the script file; its stderr goes to errfile. Returns its exit status, or -1. */
static int run_gnuplot(const char *gnuplot, const char *script_file, const char *errfile)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGHUP);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &none);      /* racesim blocks SIGINT etc. for its signal thread */
    posix_spawnattr_setsigdefault(&attr, &dflt);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {(char *)"gnuplot", (char *)script_file, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, gnuplot, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The first line of file that says what went wrong ("... line 12: ..."), else its first line. */
static void first_error(const char *file, char *out, size_t outlen)
{
    FILE *f = fopen(file, "r");
    char line[512];
    out[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || strspn(line, " ^") == strlen(line))
            continue;
        if (!out[0] || strstr(line, "line "))
            snprintf(out, outlen, "%.300s", line);
        if (strstr(line, "line "))
            break;
    }
    if (f)
        fclose(f);
}

/* The whole file at path in *data (malloc'd), its size in *len. Returns 0, or -1 with errno. */
static int slurp(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            char *more = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!more) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = more;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* gnuplot draws into drawn (in racesim's private temp folder); then the chart goes to path the
 * way every report does (output_write: a fresh temp name beside it, then a rename). */
static enum chart_status place(const char *drawn, const char *path, bool force, char *err,
                               size_t errlen)
{
    char *data;
    size_t len;
    if (slurp(drawn, &data, &len) != 0) {
        snprintf(err, errlen, "--chart=%s: gnuplot wrote no chart: %s", path, strerror(errno));
        return CHART_FAILED;
    }
    int rc = output_write("--chart", path, force, data, len, err, errlen);
    free(data);
    return rc ? CHART_FAILED : CHART_DRAWN;
}

enum chart_status chart_draw(const struct chart *c, const char *path, bool force, char *err,
                             size_t errlen)
{
    size_t np = c->n_panels ? c->n_panels : 2;
    return chart_render(path, force, body, c, np > 2 ? 1500 : 1200, 560, err, errlen);
}

enum chart_status chart_render(const char *path, bool force, chart_body_fn *fn, const void *data,
                               int width, int height, char *err, size_t errlen)
{
    char gnuplot[PATH_MAX + 16];
    if (find_gnuplot(gnuplot, sizeof gnuplot)) {
        snprintf(err, errlen, "--chart=%s: not drawn: gnuplot is not in PATH (apt-get install "
                 "gnuplot-nox); its data is in the .csv beside it", path);
        return CHART_NO_GNUPLOT;
    }
    const char *tmpdir = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/racesim-chart.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "--chart=%s: cannot make a temp folder: %s", path, strerror(errno));
        return CHART_FAILED;
    }
    char gp[PATH_MAX + 32], errfile[PATH_MAX + 32], drawn[PATH_MAX + 32];
    size_t n = strlen(path);
    bool png = n > 4 && strcmp(path + n - 4, ".png") == 0;
    snprintf(gp, sizeof gp, "%s/chart.gp", dir);
    snprintf(errfile, sizeof errfile, "%s/gnuplot.err", dir);
    snprintf(drawn, sizeof drawn, "%s/chart.%s", dir, png ? "png" : "svg");
    FILE *f = fopen(gp, "w");
    enum chart_status st = CHART_FAILED;
    if (!f) {
        snprintf(err, errlen, "--chart=%s: cannot write the gnuplot script: %s", path, strerror(errno));
    } else {
        script(f, fn, data, drawn, png, width, height);
        bool written = fclose(f) == 0;
        int rc = written ? run_gnuplot(gnuplot, gp, errfile) : -1;
        char why[400];
        first_error(errfile, why, sizeof why);
        if (rc == 0 && access(drawn, F_OK) == 0)
            st = place(drawn, path, force, err, errlen);
        else if (rc < 0)
            snprintf(err, errlen, "--chart=%s: cannot run %s", path, gnuplot);
        else
            snprintf(err, errlen, "--chart=%s: gnuplot failed (exit %d): %s", path, rc,
                     why[0] ? why : strerror(errno));
        unlink(drawn);
    }
    unlink(gp);
    unlink(errfile);
    rmdir(dir);
    return st;
}
