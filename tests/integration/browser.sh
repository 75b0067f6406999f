# browser.sh — for the page tests (html.sh, html_compare.sh): headless chromium and PNG sizes.
# Source it after lib.sh: it checks that chromium is installed (and ends the test when not).

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
check "chromium is installed (apt-get install chromium; .ci/run installs it)" [ -n "$CHROMIUM" ]
[ -n "$CHROMIUM" ] || { finish; exit 1; }

# browser ARGS...: headless chromium with a profile of the test's own; no sandbox as root.
browser() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$TMP/chromium" --no-first-run --disable-extensions "$@" 2>>"$TMP/chromium.log"
}

# png_size FILE: "WIDTHxHEIGHT" from the PNG header.
png_size() {
    python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "not a png")' "$1"
}
