-- pmp: predicate-many-preceders. T1 counts the rows matching value = 30 twice in one
-- transaction; T2 inserts one. T1's two counts must agree (a phantom must not appear).
-- @role T1
BEGIN;
SELECT COUNT(*) AS n FROM test WHERE value = 30;
SELECT COUNT(*) - :n AS appeared FROM test WHERE value = 30;
-- @expect appeared = 0 else PMP
COMMIT;
-- @role T2
BEGIN;
INSERT INTO test (id, value, initial) VALUES (3, 30, 30);
COMMIT;
