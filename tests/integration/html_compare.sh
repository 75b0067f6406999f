#!/usr/bin/env bash
# html_compare.sh — compare --html=FILE writes one self-contained page, checked in headless
# chromium (--dump-dom): naive and atomic, 20 buyers in lockstep for 5 units (naive oversells by
# 15, atomic sells out; forced, not by luck): a table row per strategy, the answer in words, an
# inline <svg> chart with a bar per strategy per panel and the anomaly marked, no URL in the file
# and no request made; a screenshot at 1280x720 (copied to $RACESIM_SCREENSHOTS when set:
# bench/html.sh puts it in results/). sweep --html: naive and atomic at 2, 4 and 8 buyers in
# lockstep for 1 unit: the three tables, an <svg> with a line per strategy per panel, a point per
# buyer count, naive's lines marked unsafe. matrix --html: naive and atomic at READ COMMITTED and
# SERIALIZABLE: the grid as <svg>, a cell per strategy per level, naive's red, atomic's green.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/browser.sh"

count() { grep -o "$1" "$2" | wc -l; }

args=(compare --strategies=naive,atomic --users=20 --stock=5 --qty=1 --lockstep --seed=1 --quiet "${ENGINE_ARGS[@]}")
"$RACESIM" "${args[@]}" --html="$TMP/c.txt" >/dev/null 2>"$TMP/err"
check "compare --html=c.txt: exit 2, the name must end in .html" \
    [ $? = 2 -a "$(grep -c 'must end in .html' "$TMP/err")" = 1 ]
"$RACESIM" "${args[@]}" --html="$TMP/c.html" --out="$TMP/c.html" >/dev/null 2>"$TMP/err"
check "compare --html and --out the same file: exit 2" [ $? = 2 -a "$(grep -c 'the same file as --out' "$TMP/err")" = 1 ]
echo keep >"$TMP/kept.html"
"$RACESIM" "${args[@]}" --html="$TMP/kept.html" >/dev/null 2>"$TMP/err"
check "compare: an existing page is kept without --force: exit 2 before any run" \
    [ $? = 2 -a "$(cat "$TMP/kept.html")" = keep ]

"$RACESIM" "${args[@]}" --html="$TMP/compare.html" >"$TMP/compare.txt" 2>"$TMP/compare.err"
rc=$?
check "compare --html: exit 0 ($rc $(head -c 300 "$TMP/compare.err" | tr '\n' ' ')), the page written" \
    [ "$rc" = 0 -a -s "$TMP/compare.html" ]
page=$TMP/compare.html
check "page: no http:// or https:// anywhere, no src=, href= or url(" \
    [ "$(grep -ciE 'https?://|[[:space:]](src|href)=|url\(' "$page")" = 0 ]
check "page: a Content-Security-Policy that allows no request" \
    grep -q "Content-Security-Policy\" content=\"default-src 'none';" "$page"

browser --dump-dom "file://$page" >"$TMP/compare.dom"
dom=$TMP/compare.dom
check "page: the browser ran its script (data-drawn)" grep -q 'data-drawn="yes"' "$dom"
check "page: the page made no request (performance entries: 0)" grep -q 'data-requests="0"' "$dom"
check "table: a row per strategy (2)" [ "$(count '<tr class="row ' "$dom")" = 2 ]
check "table: naive's row unsafe, NO" grep -q '<tr class="row unsafe"><td class="text">naive</td><td class="text">NO ' "$dom"
check "table: atomic's row complete, yes" grep -q '<tr class="row complete"><td class="text">atomic</td><td class="text">yes ' "$dom"
check "answer: the headline picks atomic, sold out" \
    grep -q '<p class="headline"><b>answer:</b> atomic: correct, sold out' "$dom"
check "answer: naive unsafe, sold 20 units of 5" grep -q '<b>unsafe:</b> naive: sold 20 units of 5, oversell 15' "$dom"
check "chart: an inline <svg>" grep -q '<svg viewBox="0 0 [0-9]* [0-9]*" role="img" aria-label="goodput, units sold and p99 per strategy"' "$dom"
for panel in goodput units p99; do
    check "chart: a $panel bar per strategy (2)" [ "$(count "class=\"bar $panel\"" "$dom")" = 2 ]
done
check "chart: naive's group marked unsafe, atomic's complete" \
    [ "$(count 'class="strategy unsafe" data-strategy="naive"' "$dom")" = 1 -a "$(count 'class="strategy complete" data-strategy="atomic"' "$dom")" = 1 ]
check "chart: the anomaly in words under naive" grep -q '✗ ANOMALY: oversell 15, negative_stock 15' "$dom"
check "chart: naive's units past the stock drawn as oversold (1 bar), labelled" \
    [ "$(count 'class="bar oversold"' "$dom")" = 1 -a "$(count '>20, oversold 15<' "$dom")" = 1 ]
check "chart: the stock line at 5" grep -q '>stock 5<' "$dom"

png=$TMP/compare-1280x720.png
browser --window-size=1280,720 --virtual-time-budget=2000 --screenshot="$png" "file://$page" >/dev/null
size=$(png_size "$png" 2>/dev/null)
check "screenshot at 1280x720 ($size)" [ "$size" = 1280x720 ]
check "... not blank ($(stat -c %s "$png" 2>/dev/null) bytes)" [ "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 30000 ]
[ -n "${RACESIM_SCREENSHOTS:-}" ] && cp "$png" "$RACESIM_SCREENSHOTS/html-compare-1280x720.png"

# page NAME COMMAND ARGS...: runs racesim COMMAND ARGS --html=$TMP/NAME.html, checks exit 0, no URL
# in the file, then the DOM after the browser ran it ($TMP/NAME.dom): drawn, no request made.
page() {
    local name=$1
    shift
    "$RACESIM" "$@" --quiet "${ENGINE_ARGS[@]}" --html="$TMP/$name.html" >"$TMP/$name.txt" 2>"$TMP/$name.err"
    local rc=$?
    check "$1 --html: exit 0 ($rc $(head -c 300 "$TMP/$name.err" | tr '\n' ' ')), the page written" \
        [ "$rc" = 0 -a -s "$TMP/$name.html" ]
    check "$1 page: no http:// or https:// anywhere, no src=, href= or url(" \
        [ "$(grep -ciE 'https?://|[[:space:]](src|href)=|url\(' "$TMP/$name.html")" = 0 ]
    browser --dump-dom "file://$TMP/$name.html" >"$TMP/$name.dom"
    check "$1 page: drawn, no request made" grep -q 'data-drawn="yes" data-requests="0"' "$TMP/$name.dom"
}

# shot NAME: a screenshot of $TMP/NAME.html at 1280x720 (to $RACESIM_SCREENSHOTS/html-NAME-1280x720.png).
shot() {
    local png=$TMP/$1-1280x720.png
    browser --window-size=1280,720 --virtual-time-budget=2000 --screenshot="$png" "file://$TMP/$1.html" >/dev/null
    check "$1 screenshot at 1280x720 ($(png_size "$png" 2>/dev/null))" [ "$(png_size "$png" 2>/dev/null)" = 1280x720 ]
    check "... not blank ($(stat -c %s "$png" 2>/dev/null) bytes)" [ "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 30000 ]
    [ -n "${RACESIM_SCREENSHOTS:-}" ] && cp "$png" "$RACESIM_SCREENSHOTS/html-$1-1280x720.png"
}

page sweep sweep --strategies=naive,atomic --users=2,4,8 --stock=1 --qty=1 --lockstep --seed=1
dom=$TMP/sweep.dom
check "sweep page: three tables, a row per strategy in each (6)" \
    [ "$(count '<table id="table[123]">' "$dom")" = 3 -a "$(count '<tr class="row"><td class="text">' "$dom")" = 6 ]
check "sweep page: the goodput table heads 2, 4 and 8 buyers" \
    grep -q '<th class="num">2 buyers</th><th class="num">4 buyers</th><th class="num">8 buyers</th>' "$dom"
check "sweep chart: an inline <svg> of the three panels" \
    grep -q '<svg viewBox="0 0 [0-9]* [0-9]*" role="img" aria-label="Goodput (higher is better), Lost sales' "$dom"
check "sweep chart: a line per strategy per panel, naive's unsafe (3 + 3)" \
    [ "$(count '<g class="series unsafe" data-strategy="naive"' "$dom")" = 3 -a "$(count '<g class="series" data-strategy="atomic"' "$dom")" = 3 ]
check "sweep chart: a point per strategy per buyer count per panel (18)" [ "$(count 'class="point"' "$dom")" = 18 ]
check "sweep chart: the legend names naive unsafe" grep -q '✗ naive (unsafe)<' "$dom"
shot sweep

page matrix matrix --strategies=naive,atomic --isolations=read-committed,serializable --contended=0 --seed=1
dom=$TMP/matrix.dom
check "matrix grid: an inline <svg>, a cell per strategy per level (4)" \
    [ "$(count '<svg viewBox="0 0 [0-9]* [0-9]*" role="img" aria-label="each strategy at each isolation level' "$dom")" = 1 \
      -a "$(count '<g class="cell ' "$dom")" = 4 ]
check "matrix grid: naive at read-committed red, oversell in its words" \
    grep -q '<g class="cell anomaly" data-row="0" data-col="0">.*✗ in [0-9]* of [0-9]*</text><text class="l2"[^>]*>[^<]*oversell' "$dom"
check "matrix grid: atomic green at both levels" \
    [ "$(grep -o '<g class="cell correct" data-row="1" data-col="[01]">' "$dom" | wc -l)" = 2 ]
check "matrix grid: the columns name the levels" \
    [ "$(count '>READ COMMITTED</text>' "$dom")" = 1 -a "$(count '>SERIALIZABLE</text>' "$dom")" = 1 ]
check "matrix page: the table, a row per cell (4)" [ "$(count '<tr class="row">' "$dom")" = 4 ]
shot matrix
finish
