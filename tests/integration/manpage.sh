#!/usr/bin/env bash
# manpage.sh — racesim(1) renders without warnings, fits 80 columns, names the version racesim
# prints and every option that any command's help shows (so the man page cannot fall behind).
# Usage: manpage.sh RACESIM BUILT-MAN-PAGE
RACESIM=$1
PAGE=$2
source "$(dirname "$0")/lib.sh"

check "the man page was built ($PAGE)" [ -s "$PAGE" ]
groff -man -Tutf8 -ww -z "$PAGE" 2>"$TMP/warnings"
check "groff renders it without a warning: $(head -1 "$TMP/warnings")" [ ! -s "$TMP/warnings" ]
if command -v man >/dev/null; then
    MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$PAGE" >"$TMP/page.txt" 2>"$TMP/man.err"
    check "man -l renders it (exit $?) without a warning: $(head -1 "$TMP/man.err")" [ ! -s "$TMP/man.err" ]
else
    echo "skip - man is not installed: groff renders the text instead"
    groff -man -Tutf8 -rLL=80n "$PAGE" 2>/dev/null | col -b >"$TMP/page.txt"
fi
check "the rendered page has its sections" \
    bash -c "grep -q '^NAME' '$TMP/page.txt' && grep -q '^SYNOPSIS' '$TMP/page.txt' && grep -q '^OPTIONS' '$TMP/page.txt' && grep -q '^EXIT STATUS' '$TMP/page.txt'"
check "it fits 80 columns" [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMP/page.txt")" -le 80 ]
version=$("$RACESIM" --version | awk '{ print $2 }')
check "it names the version racesim prints ($version)" grep -q "racesim $version" "$TMP/page.txt"

# every option of every command's help, as the man page renders it (groff may hyphenate a long
# word at a line end: the text is joined first)
tr '\n' ' ' <"$TMP/page.txt" | sed 's/‐ *//g; s/- \{2,\}//g; s/  */ /g' >"$TMP/flat.txt"
n=0
for command in run compare sweep matrix explore check list; do
    "$RACESIM" "$command" --help | awk 'match($0, /^  (-[a-zA-Z], )?--[a-z][a-z-]*/) {
        s = substr($0, 1, RLENGTH); sub(/.*--/, "--", s); print s }' >>"$TMP/options"
done
for option in $(sort -u "$TMP/options"); do
    n=$((n + 1))
    check "the man page names $option" grep -qe "$option" "$TMP/flat.txt"
done
check "the helps show many options ($n)" [ "$n" -ge 30 ]
check "the man page names -h and -V" bash -c "grep -qe '-h, --help' '$TMP/flat.txt' && grep -qe '-V, --version' '$TMP/flat.txt'"
check "the man page names every command" \
    bash -c "for c in run compare sweep matrix explore check list help; do grep -q \"racesim \$c\\|^ *\$c \" '$TMP/page.txt' || exit 1; done"
finish
