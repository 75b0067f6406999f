# cluster_lib.sh — what the cluster tests share (sourced after lib.sh): galera-4 must be there,
# and nothing_left.

if [ ! -r /usr/lib/galera/libgalera_smm.so ]; then
    echo "$(basename "$0"): galera-4 is not installed (apt-get install galera-4)" >&2
    exit 1
fi

# nothing_left WHAT: no mariadbd of this test's temp dir runs, and no directory is left in it.
nothing_left() {
    local procs
    procs=$(pgrep -f "mariadbd.*$TMP/" || true)
    check "$1: no node process left" [ -z "$procs" ]
    check "$1: no temp directory left" [ -z "$(ls -A "$TMP" | grep -v -e '\.json' -e '\.err' -e '\.schema' -e '^home$' -e '^err$' -e '\.out$')" ]
}
