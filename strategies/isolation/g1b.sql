-- g1b: intermediate read. T1 writes 101, then 11, and commits; T2 may read 10 or 11, never the
-- value T1 overwrote before it committed.
-- @role T1
BEGIN;
UPDATE test SET value = 101 WHERE id = 1;
UPDATE test SET value = 11 WHERE id = 1;
COMMIT;
-- @role T2
BEGIN;
SELECT value FROM test WHERE id = 1;
-- @expect value != 101 else G1b
COMMIT;
