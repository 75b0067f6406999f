-- g-single-write: read skew with a write. T2 moves 2 from row 2 to row 1 (10, 20 -> 12, 18);
-- T1 reads row 1, then updates row 2 and reads it: the sum must be 30, as in every committed
-- state, also when T1's own write is what it reads (g-single.sql is the read-only form; a level
-- that keeps that one but not this shows R/O).
-- @role T1
BEGIN;
SELECT value AS x FROM test WHERE id = 1;
UPDATE test SET writer = 1 WHERE id = 2;
SELECT :x + value AS total FROM test WHERE id = 2;
-- @expect total = 30 else G_single
COMMIT;
-- @role T2
BEGIN;
UPDATE test SET value = 12 WHERE id = 1;
UPDATE test SET value = 18 WHERE id = 2;
COMMIT;
