#!/usr/bin/env bash
# bench/gate.sh — does `racesim check` hold on a busy machine? With a CPU hog beside it
# (stress-ng --cpu 2): a baseline `compare --repeat=R`, then N fresh compares made the same way
# checked against it (every regression called is a false one), then N compares with a real
# slowdown injected (--think-time=MS: each purchase sleeps in its race window) checked against
# the same baseline (each should be flagged). Writes results/bench-gate.json and prints a summary.
# Usage: bench/gate.sh [ROUNDS [REPEAT [THINK_MS]]]   (defaults 10, 5, 2; the issue's figures)
# Environment: GATE_USERS (50), GATE_STRATEGIES (for-update,atomic,optimistic), GATE_ARGS
# (--rounds=20 --stock=1000000: 1000 purchases a run, about 0.3 s, so that a run outlasts a few
# scheduler slices of the hog; "" for the issue's one purchase a buyer), GATE_HOG (2: stress-ng
# workers; 0: no hog), GATE_OUT (results/bench-gate.json).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/ensure-built --tests >/dev/null || exit 3
rounds=${1:-10}
repeat=${2:-5}
think=${3:-2}
users=${GATE_USERS:-50}
strategies=${GATE_STRATEGIES:-for-update,atomic,optimistic}
hog=${GATE_HOG:-2}
read -r -a args <<<"${GATE_ARGS---rounds=20 --stock=1000000}"
out=${GATE_OUT:-results/bench-gate.json}
bin=$top/build/src/racesim
tmp=$(mktemp -d)
hog_pid=
cleanup() {
    [ -n "$hog_pid" ] && kill "$hog_pid" 2>/dev/null && wait "$hog_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$hog" -gt 0 ]; then
    command -v stress-ng >/dev/null || { echo "bench: stress-ng is missing (apt-get install stress-ng)" >&2; exit 3; }
    stress-ng --cpu "$hog" --timeout 3h --quiet &
    hog_pid=$!
fi

common=(compare --strategies="$strategies" --users="$users" "${args[@]}" --seed=1 --repeat="$repeat" --quiet --format=json)
# compare NAME [EXTRA...]: a compare into $tmp/NAME.json
compare() {
    local name=$1
    shift
    echo "\$ racesim ${common[*]} $* --out=$name.json" >&2
    "$bin" "${common[@]}" "$@" --out="$tmp/$name.json" || { echo "bench: compare $name failed" >&2; exit 3; }
}
# judge NAME: check NAME.json against the baseline; one JSON line: exit code and regression lines
judge() {
    "$bin" check "$tmp/$1.json" --baseline="$tmp/base.json" >"$tmp/$1.check" 2>&1
    local code=$?
    jq -n -c --arg name "$1" --argjson code "$code" --rawfile text "$tmp/$1.check" \
        '{round: $name, exit_code: $code, regressions: ($text | split("\n") | map(select(startswith("REGRESSION"))))}'
}

start=$(date +%s)
compare base
: >"$tmp/same.jsonl"
for i in $(seq 1 "$rounds"); do
    compare "same$i"
    judge "same$i" >>"$tmp/same.jsonl"
done
: >"$tmp/slow.jsonl"
for i in $(seq 1 "$rounds"); do
    compare "slow$i" --think-time="$think"
    judge "slow$i" >>"$tmp/slow.jsonl"
done
elapsed=$(( $(date +%s) - start ))

mkdir -p "$(dirname "$out")"
jq -n --slurpfile same "$tmp/same.jsonl" --slurpfile slow "$tmp/slow.jsonl" \
    --argjson rounds "$rounds" --argjson repeat "$repeat" --argjson think "$think" --argjson users "$users" \
    --arg strategies "$strategies" --argjson hog "$hog" --argjson elapsed "$elapsed" --arg args "${args[*]}" \
    --arg server "$(jq -r .server_version "$tmp/base.json")" --argjson cores "$(nproc)" \
    --arg when "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '{
    schema: "racesim bench-gate 1", timestamp: $when, cores: $cores, server_version: $server,
    hog: (if $hog > 0 then "stress-ng --cpu \($hog)" else "none" end),
    commands: {
        baseline: "racesim compare --strategies=\($strategies) --users=\($users) \($args) --seed=1 --repeat=\($repeat) --format=json",
        fresh: "the same, \($rounds) times, each checked: racesim check fresh.json --baseline=base.json",
        slowed: "the same with --think-time=\($think), \($rounds) times, each checked against the same baseline"
    },
    rounds: $rounds, repeat: $repeat, users: $users, args: $args, strategies: ($strategies | split(",")),
    false_regressions: ([$same[] | select(.exit_code == 4)] | length),
    false_regression_lines: ([$same[].regressions[]] | length),
    flagged: ([$slow[] | select(.exit_code == 4)] | length),
    flagged_lines: ([$slow[].regressions[]] | length),
    seconds: $elapsed, fresh: $same, slowed: $slow}' >"$out"
jq -r '"bench-gate: \(.rounds) fresh compares (--repeat=\(.repeat), \(.users) buyers, \(.args), \(.strategies | join(","))) with \(.hog) beside: \(.false_regressions) of \(.rounds) called a regression (false); with --think-time=\(.commands.slowed | capture("think-time=(?<t>[0-9]+)").t): \(.flagged) of \(.rounds) flagged; \(.seconds) s"' "$out"
