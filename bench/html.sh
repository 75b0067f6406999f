#!/usr/bin/env bash
# bench/html.sh — regenerates the README's pictures of the --html page: naive and for-update
# (2 buyers, --lockstep, seed 1) at 1280x720 and 1920x1080, taken by tests/integration/html.sh in
# headless chromium, and compare's page (naive, atomic) by tests/integration/html_compare.sh, into
# results/html-*.png.
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
RACESIM_SCREENSHOTS="$top/results" bash tests/integration/html.sh build/src/racesim | tail -1
RACESIM_SCREENSHOTS="$top/results" bash tests/integration/html_compare.sh build/src/racesim | tail -1
ls -l results/html-*.png
