# bench/lib.sh — what the bench scripts share (sourced, after `set -eu`): the build check, the
# racesim binary, a temp folder removed at exit (with the bench's servers), wall-clock timing, the
# jq median and the refresh of the tables docs show from results/.
#
#   bench_init [--tests]      cd to the checkout and build what is missing (scripts/ensure-built);
#                             sets top (the checkout), bin (racesim) and tmp (removed at exit)
#   bench_on_exit CMD...      runs CMD at exit too, before tmp is removed (a server's stop)
#   bench_now                 the time now in seconds, with nanoseconds
#   bench_wall OUT CMD...     runs CMD with its stdout in OUT (stderr in OUT.err); prints its wall
#                             time in seconds; an exit above 1 is said on stderr, never fatal
#   bench_classic JSONL ROUND STRATEGY [JSON [RACESIM_ARGS...]]
#                             the classic workload (500 buyers, stock 5000, qty 1..30, seed ROUND)
#                             timed as racesim's whole process: appends {round, strategy,
#                             process_wall_s, purchases_wall_s, verdict} + JSON to JSONL, shows it
#   bench_jq                  jq definitions to put before a program: `median` (of an array of
#                             numbers) and `classic_medians` (of bench_classic's lines: medians
#                             of the wall times, the verdicts seen)
#   bench_docs_tables         refreshes the tables README.md and docs/ show (scripts/docs-tables)

bench_exit_cmds=()

bench_init() {
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    cd "$top"
    scripts/ensure-built "$@"
    bin=$top/build/src/racesim
    tmp=$(mktemp -d)
    trap bench_exit EXIT
    mkdir -p results
}

bench_on_exit() {
    bench_exit_cmds+=("$*")
}

bench_exit() {
    local cmd
    for cmd in ${bench_exit_cmds[@]+"${bench_exit_cmds[@]}"}; do
        $cmd || true
    done
    rm -rf "$tmp"
}

bench_now() {
    date +%s.%N
}

bench_wall() {
    local out=$1 start end rc=0
    shift
    start=$(bench_now)
    "$@" >"$out" 2>"$out.err" || rc=$?
    end=$(bench_now)
    [ $rc -le 1 ] || { echo "bench: $(basename "$1") exited $rc:" >&2; tail -3 "$out.err" >&2; }
    echo "$end - $start" | bc
}

bench_classic() {
    local jsonl=$1 round=$2 strategy=$3 extra=${4:-'{}'} wall
    shift $(($# < 4 ? $# : 4))
    wall=$(bench_wall "$tmp/classic.json" "$bin" ${@+"$@"} --strategy="$strategy" --users=500 \
        --stock=5000 --qty=1..30 --seed="$round" --quiet --format=json)
    jq -c --arg s "$strategy" --arg w "$wall" --arg r "$round" --argjson extra "$extra" \
        '{round: ($r|tonumber), strategy: $s, process_wall_s: ($w|tonumber),
          purchases_wall_s: .time.wall_s, verdict: .verdict} + $extra' "$tmp/classic.json" >>"$jsonl"
    tail -1 "$jsonl" >&2
}

bench_jq='def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def classic_medians: {process_wall_s: ([.[].process_wall_s] | median * 1000 | round / 1000),
      purchases_wall_s: ([.[].purchases_wall_s] | median * 1000 | round / 1000),
      verdicts: ([.[].verdict] | unique)};'

bench_docs_tables() {
    "$top/scripts/docs-tables"
}
