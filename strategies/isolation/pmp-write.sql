-- pmp-write: predicate-many-preceders with a write. T1 counts the rows matching value = 30,
-- then updates the rows matching it, then counts again; T2 inserts one. T1's counts must agree:
-- its own update must not bring in a row its first read did not see (pmp.sql is the read-only
-- form; a level that keeps that one but not this shows R/O).
-- @role T1
BEGIN;
SELECT COUNT(*) AS n FROM test WHERE value = 30;
UPDATE test SET writer = 1 WHERE value = 30;
SELECT COUNT(*) - :n AS appeared FROM test WHERE value = 30;
-- @expect appeared = 0 else PMP
COMMIT;
-- @role T2
BEGIN;
INSERT INTO test (id, value, initial) VALUES (3, 30, 30);
COMMIT;
