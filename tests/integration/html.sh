#!/usr/bin/env bash
# html.sh — --html=FILE writes one self-contained page (run; explore: its witness), checked in a
# real browser (Debian's chromium, headless): for naive and for-update with 2 buyers in lockstep,
# the DOM after the page's script ran (--dump-dom) has a lane per buyer, the verdict in words,
# the watched stock step by step (naive 1 1 0 -1 -1 -1, for-update 0 only at the COMMIT), the
# lock wait drawn; no URL in the file and no request made; playback opens at a step; it prints
# on one page; and screenshots at 1280x720 and 1920x1080 (copied to $RACESIM_SCREENSHOTS when
# set: bench/html.sh puts them in results/).
RACESIM=$1
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/browser.sh"

# values FILE.dom: the watched row's values, in step order.
values() {
    grep -o 'class="state[^"]*" data-col="[0-9]*" data-value="[-0-9]*"' "$1" | sed -E 's/.*data-value="([-0-9]*)"/\1/' | tr '\n' ' '
}

base=(--users=2 --stock=1 --qty=1 --lockstep --seed=1 --quiet)
"$RACESIM" --strategy=naive "${base[@]}" --html="$TMP/race.txt" >/dev/null 2>"$TMP/err"
check "--html=race.txt: exit 2, the name must end in .html" \
    [ $? = 2 -a "$(grep -c 'must end in .html' "$TMP/err")" = 1 ]
"$RACESIM" --strategy=naive "${base[@]}" --html="$TMP/r.html" --out="$TMP/r.html" >/dev/null 2>"$TMP/err"
check "--html and --out the same file: exit 2" [ $? = 2 -a "$(grep -c 'the same file as --out' "$TMP/err")" = 1 ]
"$RACESIM" --strategy=naive --users=2 --repeat=2 --html="$TMP/r.html" >/dev/null 2>"$TMP/err"
check "--html with --repeat: exit 2 (one run)" [ $? = 2 ]
echo keep >"$TMP/kept.html"
"$RACESIM" --strategy=naive "${base[@]}" --html="$TMP/kept.html" >/dev/null 2>"$TMP/err"
check "an existing page is kept without --force: exit 2" [ $? = 2 -a "$(cat "$TMP/kept.html")" = keep ]

for s in naive for-update; do
    "$RACESIM" --strategy=$s "${base[@]}" --html="$TMP/$s.html" >"$TMP/$s.txt" 2>"$TMP/$s.err"
    rc=$?
    want=0; [ $s = naive ] && want=1
    check "$s --html: exit $want ($rc$(head -c 300 "$TMP/$s.err" | tr '\n' ' ')), the page written" \
        [ "$rc" = $want -a -s "$TMP/$s.html" ]
    check "$s page: no http:// or https:// anywhere, no src=, href= or url(" \
        [ "$(grep -ciE 'https?://|[[:space:]](src|href)=|url\(' "$TMP/$s.html")" = 0 ]
    check "$s page: a Content-Security-Policy that allows no request" \
        grep -q "Content-Security-Policy\" content=\"default-src 'none';" "$TMP/$s.html"
    browser --dump-dom "file://$TMP/$s.html" >"$TMP/$s.dom"
    check "$s page: the browser ran its script (data-drawn)" grep -q 'data-drawn="yes"' "$TMP/$s.dom"
    check "$s page: the page made no request (performance entries: 0)" grep -q 'data-requests="0"' "$TMP/$s.dom"
    check "$s page: a lane per buyer (2)" [ "$(grep -o 'class="lane"' "$TMP/$s.dom" | wc -l)" = 2 ]
    for size in 1280,720 1920,1080; do
        png="$TMP/$s-${size/,/x}.png"
        browser --window-size=$size --virtual-time-budget=2000 --screenshot="$png" "file://$TMP/$s.html" >/dev/null
        check "$s screenshot at ${size/,/x}" [ "$(png_size "$png")" = "${size/,/x}" ]
        check "... not blank ($(stat -c %s "$png" 2>/dev/null) bytes)" [ "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 30000 ]
        [ -n "${RACESIM_SCREENSHOTS:-}" ] && cp "$png" "$RACESIM_SCREENSHOTS/html-$s-${size/,/x}.png"
    done
done

dom=$TMP/naive.dom
check "naive: the verdict in words, ANOMALY oversell" \
    grep -q 'id="verdict" class="verdict anomaly">✗ ANOMALY — oversell by 1, negative_stock by 1<' "$dom"
check "naive: why — both read stock=1 before any wrote" grep -q 'buyers 1 and 2 both read stock=1' "$dom"
check "naive: both buyers' SELECT read stock = 1" [ "$(grep -o '→ stock = 1<' "$dom" | wc -l)" = 2 ]
check "naive: both UPDATEs shown with their bound values, 1 row each" \
    [ "$(grep -o 'UPDATE products SET stock = stock - 1 WHERE id = 1</div><div class="res">→ 1 row' "$dom" | wc -l)" = 2 ]
check "naive: the stock after each step is 1 1 0 -1 -1 -1 ($(values "$dom"))" [ "$(values "$dom")" = "1 1 0 -1 -1 -1 " ]
check "naive: the step where stock goes below 0 is marked, once" \
    [ "$(grep -o 'class="state changed broken" data-col="4"' "$dom" | wc -l)" = 1 -a "$(grep -o '✗ breaks stock ≥ 0' "$dom" | wc -l)" = 1 ]
check "naive: a race window drawn for each buyer" [ "$(grep -o 'class="window' "$dom" | wc -l)" = 2 ]
check "naive: the invariants table: oversell broken, lost_update holds" \
    grep -q '<tr class="broken"><td class="mark">✗</td><td class="name">oversell</td><td class="value">1<' "$dom"
check "naive: the latency histogram as SVG" grep -q 'aria-label="purchase latency histogram"' "$dom"

dom=$TMP/for-update.dom
check "for-update: the verdict in words, correct" grep -q 'class="verdict correct">✓ correct — every invariant holds<' "$dom"
check "for-update: buyer 2 waits for buyer 1's lock, 3 steps" grep -q "waits for buyer 1's lock · 3 steps" "$dom"
check "for-update: the wait drawn as an arrow" grep -q '<g class="arrow" data-col="4"><line' "$dom"
check "for-update: the stock is 1 until buyer 1 commits at step 7 ($(values "$dom"))" [ "$(values "$dom")" = "1 1 1 1 1 1 0 " ]
check "for-update: buyer 2 then reads stock = 0 and ends out_of_stock" \
    grep -q '→ stock = 0<.*✗ out_of_stock' "$dom"

# Playback: page.html#step=3 opens at step 3; later steps are faded.
browser --dump-dom "file://$TMP/naive.html#step=3" >"$TMP/step3.dom"
check "playback: #step=3 shows step 3 of 6" grep -q 'id="stepno">step 3 of 6<' "$TMP/step3.dom"
check "playback: step 4 is faded, step 3 is not" \
    grep -q 'class="head future" data-col="4"' "$TMP/step3.dom"
check "... and step 3 is marked as now" grep -q 'class="head now" data-col="3"' "$TMP/step3.dom"

# explore --html: the page of its shortest anomalous schedule (none: of the round-robin order).
"$RACESIM" explore --strategy=naive --seed=1 --quiet --html="$TMP/explore.html" >"$TMP/explore.txt"
check "explore naive --html: exit 1, the page written" [ $? = 1 -a -s "$TMP/explore.html" ]
browser --dump-dom "file://$TMP/explore.html" >"$TMP/explore.dom"
check "explore page: 2 lanes, the stock ends at -1 ($(values "$TMP/explore.dom"))" \
    [ "$(grep -o 'class="lane"' "$TMP/explore.dom" | wc -l)" = 2 -a "$(values "$TMP/explore.dom" | awk '{print $NF}')" = -1 ]
check "explore page: the verdict, ANOMALY oversell" \
    grep -q 'class="verdict anomaly">✗ ANOMALY — oversell by 1' "$TMP/explore.dom"
"$RACESIM" explore --strategy=atomic --seed=1 --quiet --html="$TMP/explore-ok.html" >/dev/null
check "explore atomic --html: exit 0, a page of a correct run" \
    [ $? = 0 -a "$(grep -c 'class="verdict correct"' "$TMP/explore-ok.html")" = 1 ]

browser --print-to-pdf="$TMP/naive.pdf" --no-pdf-header-footer "file://$TMP/naive.html" >/dev/null
check "naive page prints on one page" [ "$(grep -a -o '/Count [0-9]*' "$TMP/naive.pdf" | head -1)" = "/Count 1" ]
finish
