#!/usr/bin/env bash
# isolation_engines.sh — racesim isolation on the other engines: on PostgreSQL (a private server)
# write skew (G2-item) occurs at REPEATABLE READ, snapshot isolation there, and SERIALIZABLE
# prevents it by a serialization failure (40001); G1a never occurs (no dirty reads); the snapshot
# variant is MariaDB's, so no such row. On SQLite only SERIALIZABLE runs (the other levels are
# refused, and the table says so) and prevents both.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

"$RACESIM" isolation --engine=postgres --strategies=g1a,g2-item --isolations=all --quiet \
    --format=json >"$TMP/pg.json" 2>"$TMP/pg.err"
check "postgres: exit 0" [ $? = 0 ]
check "postgres: valid by the schema" valid_json "$TMP/pg.json"
check "postgres: four levels run, no snapshot row" \
    jqe '([.levels[] | select(.run)] | length) == 4 and (.snapshot_supported | not)' "$TMP/pg.json"
check "postgres repeatable read: G2-item occurs, G1a prevented" \
    jqe '[.levels[] | select(.isolation == "REPEATABLE READ" and .run)][0].cells
         | (.[0].anomaly == "G1a" and .[0].verdict == "prevented") and (.[1].anomaly == "G2-item" and .[1].verdict == "occurs")' "$TMP/pg.json"
check "postgres serializable: G2-item prevented by 40001" \
    jqe '[.levels[] | select(.isolation == "SERIALIZABLE")][0].cells[1]
         | .verdict == "prevented" and .error.code == "40001"' "$TMP/pg.json"

"$RACESIM" isolation --engine=sqlite --strategies=g1a,g2-item --quiet >"$TMP/sq.txt" 2>"$TMP/sq.err"
check "sqlite: exit 0" [ $? = 0 ]
check "sqlite: serializable, both prevented" grep -q "^serializable  *✓  *✓" "$TMP/sq.txt"
check "sqlite: no read committed row" bash -c '! grep -q "^read committed" "$1"' _ "$TMP/sq.txt"
check "sqlite: the table says the other levels were refused" grep -q "Levels the engine refused were not run: .*SQLite has one level" "$TMP/sq.txt"
finish
