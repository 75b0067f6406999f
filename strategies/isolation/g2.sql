-- g2: anti-dependency cycle over a predicate. Each transaction inserts a row with a value
-- divisible by 3 if it sees none; run one after the other, the second sees the first's row.
-- Two such rows is the anomaly (invariant phantom_pair).
-- @role T1
BEGIN;
SELECT COUNT(*) AS n FROM test WHERE value % 3 = 0;
-- @require n = 0 else exists
INSERT INTO test (id, value, initial) VALUES (3, 30, 30);
COMMIT;
-- @role T2
BEGIN;
SELECT COUNT(*) AS n FROM test WHERE value % 3 = 0;
-- @require n = 0 else exists
INSERT INTO test (id, value, initial) VALUES (4, 42, 42);
COMMIT;
