#!/usr/bin/env bash
# scenarios.sh SCENARIO — the coupon, seats and transfer scenarios: under a race forced with
# --think-time, each unsafe strategy shows its anomaly (exit 1) and the safe ones do not; each
# safe strategy shows no anomaly at 200 buyers over 3 seeds (1 under a sanitizer: lib.sh rounds),
# the buyers' count of successes agrees with the database, and no purchase ends in an
# unclassified server error.
# Parameters are written with '_' (--max_uses, --any_seat), the name as declared.
RACESIM=$1
scenario=$2
source "$(dirname "$0")/lib.sh"

# ok FILE: purchases that ended ok (outcome and attempts: lib.sh).
ok() {
    outcome "$1" ok
}

# run NAME STRATEGY ARGS...: runs one strategy of the scenario into $TMP/NAME.json; sets $out.
run() {
    local name=$1 strategy=$2
    shift 2
    out="$TMP/$name.json"
    run_json "$out" --scenario="$scenario" --strategy="$strategy" "$@"
}

# holds WHAT: the run exited 0 with every invariant holding and no unclassified error.
holds() {
    check "$1: exit 0 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
    [ -s "$out" ] || return 0
    check "$1: every invariant holds" all_hold "$out"
    check "$1: client and database agree" [ "$(inv "$out" agreement)" = 0 ]
    check "$1: no purchase ended in an unclassified server error" [ "$(outcome "$out" error)" = 0 ]
}

# violated WHAT INVARIANT...: the run exited 1 and each INVARIANT is above 0; still agreement.
violated() {
    local what=$1
    shift
    check "$what: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
    [ -s "$out" ] || return 0
    for name in "$@"; do
        check "$what: $name > 0 (got $(inv "$out" "$name"))" [ "$(inv "$out" "$name")" -gt 0 ]
    done
    check "$what: client and database still agree" [ "$(inv "$out" agreement)" = 0 ]
}

# safe_200 STRATEGY [ARGS...]: 200 buyers over seeds 1..$SEEDS show no anomaly.
SEEDS=$(rounds 3 1)
safe_200() {
    local strategy=$1
    shift
    for seed in $(seq 1 "$SEEDS"); do
        run "$strategy-200-$seed" "$strategy" --users=200 --seed="$seed" "$@"
        holds "$strategy $* at 200 buyers, seed $seed"
        [ -s "$out" ] || continue
        check "$strategy seed $seed: every buyer finished a purchase" [ "$(jq .counts.purchases "$out")" = 200 ]
        check "$strategy seed $seed: some purchases succeeded" [ "$(ok "$out")" -gt 0 ]
    done
}

case "$scenario" in
coupon)
    # 20 requests for 2 customers (10 identical requests each), the coupon good for 5 uses
    race=(--users=20 --customers=2 --max_uses=5 --think-time=20 --seed=7)
    run naive naive "${race[@]}"
    violated "naive under the race" redeemed_twice over_limit
    for s in for-update unique serializable; do
        run "$s-race" "$s" "${race[@]}"
        holds "$s under the race"
    done
    check "for-update: exactly one redemption per customer" [ "$(ok "$TMP/for-update-race.json")" = 2 ]
    check "unique: exactly one redemption per customer" [ "$(ok "$TMP/unique-race.json")" = 2 ]
    check "unique: the key refused the duplicates (already_used)" \
        [ "$(outcome "$TMP/unique-race.json" already_used)" -gt 0 ]
    # one request per customer, but only 5 uses for 20 customers: the stock race again
    race=(--users=20 --customers=20 --max_uses=5 --think-time=20 --seed=7)
    run naive-limit naive "${race[@]}"
    violated "naive, 20 customers, 5 uses" over_limit
    run unique-limit unique "${race[@]}"
    holds "unique, 20 customers, 5 uses"
    check "unique: exactly max_uses redemptions" [ "$(ok "$out")" = 5 ]
    check "unique: the others were refused as exhausted" [ "$(outcome "$out" exhausted)" = 15 ]
    # 200 buyers: 20 customers, max_uses 10
    for s in for-update unique serializable; do
        safe_200 "$s"
    done
    check "for-update at 200 buyers: max_uses (10) redemptions, one per customer" \
        [ "$(ok "$TMP/for-update-200-1.json")" = 10 ]
    ;;
seats)
    race=(--users=20 --seats=5 --think-time=20 --seed=7)
    run naive naive "${race[@]}"
    violated "naive, specific seats (zipf)" double_booked
    run naive-any naive "${race[@]}" --any_seat
    violated "naive, any seat" double_booked
    for s in atomic for-update skip-locked nowait; do
        run "$s-race" "$s" "${race[@]}"
        holds "$s under the race"
    done
    for s in atomic for-update skip-locked; do
        run "$s-race-any" "$s" "${race[@]}" --any_seat
        holds "$s under the race, any seat"
    done
    for s in for-update skip-locked; do
        check "$s, any seat: all 5 seats sold, once each" [ "$(ok "$TMP/$s-race-any.json")" = 5 ]
    done
    check "nowait: a held seat failed at once (busy) and was retried" \
        [ "$(attempts "$TMP/nowait-race.json" busy)" -gt 0 ]
    for s in atomic for-update skip-locked nowait; do
        safe_200 "$s"
    done
    for s in atomic for-update skip-locked; do
        run "$s-200-any" "$s" --users=200 --seed=1 --any_seat
        holds "$s at 200 buyers, any seat"
    done
    for s in for-update skip-locked; do
        check "$s at 200 buyers, any seat: all 100 seats sold" [ "$(ok "$TMP/$s-200-any.json")" = 100 ]
    done
    ;;
transfer)
    # Many accounts: the total only changes when some account's last write came from a transfer
    # whose other write was overwritten; with few accounts the last writers often pair up and
    # the total holds by chance (the ledger is off anyway).
    run naive naive --users=60 --accounts=20 --think-time=20 --seed=7
    violated "naive under the race" money_conserved ledger
    # two accounts: every pair of transfers A->B and B->A crosses
    race=(--users=20 --accounts=2 --think-time=20 --seed=7)
    for s in for-update for-update-ordered atomic; do
        run "$s-race" "$s" "${race[@]}"
        holds "$s under the race"
    done
    check "for-update: crossing transfers deadlock" \
        [ "$(attempts "$TMP/for-update-race.json" deadlock)" -gt 0 ]
    check "for-update: the deadlocks were retried" [ "$(jq .counts.retries "$TMP/for-update-race.json")" -gt 0 ]
    check "for-update-ordered: no deadlock (locks in id order)" \
        [ "$(attempts "$TMP/for-update-ordered-race.json" deadlock)" = 0 ]
    for s in for-update for-update-ordered atomic; do
        safe_200 "$s"
        for seed in $(seq 1 "$SEEDS"); do
            check "$s seed $seed: money conserved" [ "$(inv "$TMP/$s-200-$seed.json" money_conserved)" = 0 ]
        done
    done
    ;;
*)
    echo "scenarios.sh: unknown scenario '$scenario' (coupon, seats, transfer)" >&2
    exit 2
    ;;
esac
finish
