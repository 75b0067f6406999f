#!/usr/bin/env bash
# transcripts.sh — every racesim command README.md and docs/*.md show in a ```console or ```sh
# block is run (cram style, tests/integration/transcripts.py finds them): with --dry-run, which
# checks options, scenario, strategy files and parameters without a server (exit 0); the
# classroom's small forced races (marked <!-- transcript: run -->) for real, their verdict, why,
# invariant lines as the doc shows them; `racesim check` on copies of a real result
# (results/baseline.json) under the file names the doc gives; commands that need what the test
# cannot have are skipped by their marker, and counted (none today).
# Usage: transcripts.sh RACESIM SOURCE-ROOT
RACESIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
source "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/work/results"
ln -s "$SRC/bench" "$TMP/work/bench"    # docs name bench/strategies/... relative to the source
python3 "$SRC/tests/integration/transcripts.py" "$SRC" >"$TMP/commands" 2>"$TMP/py.err"
check "the docs' commands are found ($(wc -l <"$TMP/commands"); $(head -1 "$TMP/py.err"))" \
    [ "$(wc -l <"$TMP/commands")" -ge 20 -a ! -s "$TMP/py.err" ]

ran=0 dry=0 checks=0 skipped=0
while IFS=$'\t' read -r where mode command keys; do
    line=${command#./}
    line="\"\$RACESIM\"${line#racesim}"
    case $mode in
    skip:*)
        skipped=$((skipped + 1))
        echo "skip - $where: ${mode#skip:} ($command)"
        continue ;;
    dry)
        if [[ $command =~ ^(\./)?racesim\ check ]]; then
            # check reads results and starts no server: each JSON file it names is a copy of
            # results/baseline.json (a real result), and it must give a verdict on them
            checks=$((checks + 1))
            for f in $(grep -oE '[A-Za-z0-9_./-]+\.json' <<<"$command"); do
                mkdir -p "$TMP/work/$(dirname "$f")" && cp "$SRC/results/baseline.json" "$TMP/work/$f"
            done
            (cd "$TMP/work" && NO_COLOR=1 eval "$line") >"$TMP/out" 2>"$TMP/err" </dev/null
            code=$?
            check "$where: $command → a verdict on the files (exit 0, 1, 4 or 5; got $code): $(head -1 "$TMP/err")" \
                [ "$code" = 0 -o "$code" = 1 -o "$code" = 4 -o "$code" = 5 ]
            check "$where: ...and its report" [ -s "$TMP/out" ]
            continue
        fi
        dry=$((dry + 1))
        # the reader's certificate files: empty stand-ins (a dry run checks they can be read)
        for f in $(grep -oE '[A-Za-z0-9_-]+\.(pem|key)' <<<"$command"); do : >"$TMP/work/$f"; done
        (cd "$TMP/work" && NO_COLOR=1 TMPDIR="$TMP" eval "$line --dry-run") >"$TMP/out" 2>"$TMP/err" </dev/null
        code=$?
        check "$where: $command → --dry-run exit 0 (got $code): $(head -1 "$TMP/err")" [ "$code" = 0 ]
        check "$where: ...and prints its plan" grep -q "^dry run: racesim " "$TMP/out" ;;
    run)
        ran=$((ran + 1))
        (cd "$TMP/work" && NO_COLOR=1 TMPDIR="$TMP" eval "$line") >"$TMP/out" 2>"$TMP/err" </dev/null
        code=$?
        check "$where: $command → exit 0 or 1, the verdict (got $code): $(head -1 "$TMP/err")" [ "$code" = 0 -o "$code" = 1 ]
        sed 's/[[:space:]]*$//' "$TMP/out" >"$TMP/out.trimmed"
        n=0
        while IFS= read -r -d $'\x1f' key; do
            [ -n "$key" ] || continue
            n=$((n + 1))
            check "$where: the output has the doc's line '$key'" grep -qxF -- "$key" "$TMP/out.trimmed"
        done <<<"$keys"$'\x1f'
        check "$where: the doc shows key lines of its output ($n)" [ "$n" -ge 1 ] ;;
    *)
        check "$where: a known mode ($mode)" false ;;
    esac
done <"$TMP/commands"
echo "$ran run for real, $dry dry runs, $checks checks on copies of a real result, $skipped skipped (marked in the docs)"
check "some commands run for real ($ran), the checks on files ($checks), the rest dry ($dry); none skipped ($skipped)" \
    [ "$ran" -ge 8 -a "$dry" -ge 10 -a "$checks" -ge 3 -a "$skipped" = 0 ]
finish
