-- g1a: aborted read. T1 writes 101 and rolls back; T2 must never read 101.
-- @role T1
BEGIN;
UPDATE test SET value = 101 WHERE id = 1;
ROLLBACK;
-- @role T2
BEGIN;
SELECT value FROM test WHERE id = 1;
-- @expect value = 10 else G1a
COMMIT;
