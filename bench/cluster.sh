#!/usr/bin/env bash
# bench/cluster.sh — issue 11's comparison: every stock strategy on a private single server
# (standalone), with all buyers on node 1 of a private 3-node Galera cluster (--cluster=3
# --spread=1: the cost of synchronous replication alone), and spread over the 3 nodes
# (--cluster=3): committed purchases/s, aborts by kind (deadlocks at a statement / at COMMIT,
# the nodes' brute-force aborts and certification failures), lost sales, successes per node.
# USERS buyers, stock 10 per buyer, qty 1..30 (it sells out), seed 1; ROUNDS rounds, the three
# setups alternating strategy by strategy (each run starts its own server or cluster); medians.
# Writes results/cluster.csv (every run), results/cluster.json, results/cluster.md (purchases/s,
# units sold, lost sales), results/cluster-aborts.md (aborts by kind, successes per node) and
# results/cluster-retry.md (the retry strategies against their plain versions on 3 nodes).
# Usage: bench/cluster.sh [USERS] [ROUNDS]   (default 200 2: 6 min on the 2-core machine)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/ensure-built
users=${1:-200}
rounds=${2:-2}
bin=build/src/racesim
strategies="naive naive-write-back for-update for-update-retry atomic atomic-retry optimistic optimistic-sells serializable procedure"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -r /usr/lib/galera/libgalera_smm.so ] || { echo "bench: galera-4 is not installed" >&2; exit 1; }

run() {   # ROUND STRATEGY MODE: one run's figures as a JSON line (a run that cannot start: twice more)
    local args=() try
    case $3 in
    standalone) ;;
    1-of-3) args=(--cluster=3 --spread=1) ;;
    3-nodes) args=(--cluster=3) ;;
    esac
    for try in 1 2 3; do
        TMPDIR=$tmp "$bin" "${args[@]}" --strategy="$2" --users="$users" --stock=$((10 * users)) \
            --qty=1..30 --seed=1 --quiet --format=json >"$tmp/r.json" 2>"$tmp/r.err" || true
        jq -e '.verdict' "$tmp/r.json" >/dev/null 2>&1 && break
        echo "bench: $2 ($3) did not run (try $try): $(head -c 300 "$tmp/r.err")" >&2
    done
    local line
    line=$(jq -c --argjson round "$1" --arg mode "$3" '
      def n: . // 0;
      {round: $round, strategy: .run.strategy, mode: $mode, exit: .exit_code, verdict,
       wall_s: .time.wall_s, ok: (.counts.outcomes.ok.purchases | n), sold: (.counts.outcomes.ok.units | n),
       ok_per_s: (if .time.wall_s > 0 then (.counts.outcomes.ok.purchases | n) / .time.wall_s else 0 end),
       lost_sales: .lost_sales.purchases, lost_units: .lost_sales.units, units_left: .lost_sales.units_left,
       retries: .counts.retries, deadlocks: (.counts.outcomes.deadlock.attempts | n),
       at_statement: (if .nodes then [.nodes[].deadlocks_at_statement] | add else null end),
       at_commit: (if .nodes then [.nodes[].deadlocks_at_commit] | add else null end),
       bf_aborts: (if .nodes then [.nodes[].bf_aborts] | add else null end),
       cert_failures: (if .nodes then [.nodes[].cert_failures] | add else null end),
       node_ok: (if .nodes then [.nodes[].ok] else null end),
       broken: ([.invariants[]? | select(.holds | not) | "\(.name) \(.value)"] | join(", "))}' \
        "$tmp/r.json") || true
    if [ -z "$line" ]; then   # a run without figures is said and left out (its medians are of the rest)
        echo "bench: $2 ($3): no figures (exit $(jq .exit_code "$tmp/r.json" 2>/dev/null)): $(head -c 300 "$tmp/r.err")" >&2
        cp "$tmp/r.json" "$tmp/failed-$2-$3.json" 2>/dev/null || true
        return 0
    fi
    echo "$line"
}

start=$(date +%s)
: >"$tmp/runs.jsonl"
for r in $(seq 1 "$rounds"); do
    for s in $strategies; do
        for m in standalone 1-of-3 3-nodes; do
            run "$r" "$s" "$m" >>"$tmp/runs.jsonl"
        done
        echo "bench: round $r: $s done ($(($(date +%s) - start)) s)" >&2
    done
done

mkdir -p results
jq -s --arg date "$(date -u +%Y-%m-%d)" \
   --arg host "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end" \
   --arg cmd "bench/cluster.sh $users $rounds" --argjson users "$users" --argjson rounds "$rounds" \
   --argjson took "$(($(date +%s) - start))" \
   --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}') / galera-4 $(dpkg-query -W -f='${Version}' galera-4 2>/dev/null)" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def med(f): map(f) | if any(. == null) then null else median end;
  . as $runs
  | {command: $cmd, date: $date, machine: $host, software: $server, users: $users, rounds: $rounds,
     took_s: $took,
     summary: ($runs | group_by(.strategy + "/" + .mode) | map({strategy: .[0].strategy, mode: .[0].mode,
        runs: length, verdicts: (map(.verdict) | unique), broken: (map(.broken) | unique | map(select(. != ""))),
        ok_per_s: med(.ok_per_s), wall_s: med(.wall_s), sold: med(.sold), lost_sales: med(.lost_sales),
        units_left: med(.units_left), retries: med(.retries), deadlocks: med(.deadlocks),
        at_statement: med(.at_statement), at_commit: med(.at_commit), bf_aborts: med(.bf_aborts),
        cert_failures: med(.cert_failures), node_ok: map(.node_ok)})),
     runs: $runs}' "$tmp/runs.jsonl" >results/cluster.json

{
    echo "round,strategy,mode,exit,verdict,wall_s,ok,sold,ok_per_s,lost_sales,lost_units,units_left,retries,deadlocks,deadlocks_at_statement,deadlocks_at_commit,bf_aborts,cert_failures,node_ok,broken"
    jq -r '.runs[] | [.round, .strategy, .mode, .exit, .verdict, .wall_s, .ok, .sold, (.ok_per_s | round),
        .lost_sales, .lost_units, .units_left, .retries, .deadlocks, .at_statement, .at_commit,
        .bf_aborts, .cert_failures, ((.node_ok // []) | map(tostring) | join(" ")), .broken] | @csv' results/cluster.json
} >results/cluster.csv

q='def r: if . == null then "–" else (. * 10 | round / 10 | tostring) end;
   def i: if . == null then "–" else (round | tostring) end;
   def worst: map(split(", ")[] | capture("(?<n>[^ ]+) (?<v>[0-9]+)")) | group_by(.n)
       | map("\(.[0].n) \(map(.v | tonumber) | max)") | join(", ");
   def s($st; $m): first((.summary[] | select(.strategy == $st and .mode == $m)), {node_ok: [], broken: []});'
order='["naive","naive-write-back","for-update","for-update-retry","atomic","atomic-retry","optimistic","optimistic-sells","serializable","procedure"]'
{
    echo "# bench/cluster.sh — $(jq -r '.date + ", " + .machine + ", " + .software' results/cluster.json)"
    echo
    echo "$users buyers, stock $((10 * users)), qty 1..30 (it sells out), seed 1; each strategy on a private"
    echo "single server (standalone), on node 1 of a private 3-node cluster (\`--spread=1\`) and spread"
    echo "over the 3 nodes; medians of rounds: $rounds, the three alternating (\`$(jq -r .command results/cluster.json)\`,"
    echo "$(jq -r .took_s results/cluster.json) s). Committed purchases per second of the run's wall time; a shared"
    echo "machine, so compare within the table."
    echo
    echo "| strategy | ok/s standalone | ok/s 1 of 3 | ok/s 3 nodes | 3 nodes ÷ standalone | units sold: standalone / 1 of 3 / 3 nodes | lost sales, 3 nodes | invariants broken (the most of the rounds) |"
    echo "|---|---:|---:|---:|---:|---|---:|---|"
    jq -r "$q"' . as $all | '"$order"'[] as $st | $all
        | [s($st; "standalone"), s($st; "1-of-3"), s($st; "3-nodes")] as [$a, $b, $c]
        | "| \($st) | \($a.ok_per_s | i) | \($b.ok_per_s | i) | \($c.ok_per_s | i) | \(if $a.ok_per_s > 0 and $c.ok_per_s != null then ($c.ok_per_s / $a.ok_per_s * 100 | round / 100 | tostring) + "×" else "–" end) | \($a.sold | i) / \($b.sold | i) / \($c.sold | i) | \($c.lost_sales | i) | \([["standalone", $a], ["1 of 3", $b], ["3 nodes", $c]] | map(select(.[1].broken | length > 0) | "\(.[0]): \(.[1].broken | worst)") | join(" · ") | if . == "" then "–" else . end) |"' \
        results/cluster.json
} >results/cluster.md

{
    echo "# bench/cluster.sh — aborts by kind, $(jq -r '.date + ", " + .machine' results/cluster.json)"
    echo
    echo "The same runs (\`$(jq -r .command results/cluster.json)\`): aborts by kind, medians. Deadlocks"
    echo "are the buyers' 1213 attempts, at a statement or at COMMIT; brute-force aborts and"
    echo "certification failures are the nodes' own counters, summed over the nodes; then the"
    echo "successes of node 1 / 2 / 3, round by round:"
    echo
    echo "| strategy | setup | deadlocks | at a statement | at COMMIT | brute-force | certification | retries | successes per node |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
    jq -r "$q"' . as $all | '"$order"'[] as $st | ["standalone", "1-of-3", "3-nodes"][] as $m | $all
        | s($st; $m) as $x
        | "| \($st) | \($m | gsub("-"; " ")) | \($x.deadlocks | i) | \($x.at_statement | i) | \($x.at_commit | i) | \($x.bf_aborts | i) | \($x.cert_failures | i) | \($x.retries | i) | \($x.node_ok | map(if . == null then "–" else join(" / ") end) | join(" · ")) |"' \
        results/cluster.json
} >results/cluster-aborts.md

{
    echo "# bench/cluster.sh — the retry strategies on 3 nodes, $(jq -r '.date + ", " + .machine' results/cluster.json)"
    echo
    echo "$users buyers spread over a private 3-node cluster, stock $((10 * users)), qty 1..30, seed 1; medians of"
    echo "rounds: $rounds (\`$(jq -r .command results/cluster.json)\`; every strategy in results/cluster.md):"
    echo
    echo "| strategy | units sold | more than the plain one | lost sales (purchases) | units left | deadlocks retried | ok/s |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    jq -r "$q"' . as $all | ["for-update", "atomic"][] as $st | $all
        | s($st; "3-nodes") as $p | s($st + "-retry"; "3-nodes") as $x
        | "| \($st) | \($p.sold | i) | | \($p.lost_sales | i) | \($p.units_left | i) | \($p.retries | i) | \($p.ok_per_s | i) |",
          "| \($st)-retry | \($x.sold | i) | \(if $x.sold != null and $p.sold != null then ($x.sold - $p.sold) as $d | (if $d >= 0 then "+" else "−" end) + ($d | fabs | i) else "–" end) (\(if $p.sold > 0 and $x.sold != null then ($x.sold / $p.sold * 100 | round / 100 | tostring) + "×" else "–" end)) | \($x.lost_sales | i) | \($x.units_left | i) | \($x.retries | i) | \($x.ok_per_s | i) |"' \
        results/cluster.json
} >results/cluster-retry.md
cat results/cluster.md results/cluster-aborts.md results/cluster-retry.md
"$top/scripts/docs-tables"    # the tables README.md and docs/ show come from results/
