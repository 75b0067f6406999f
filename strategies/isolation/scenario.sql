-- isolation: the isolation-anomaly tests (G0 ... G2), one file each; every file plays roles
-- T1, T2 (one buyer each) on two rows, (1, 10) and (2, 20). A read's evidence is an @expect;
-- what only the final state shows is an invariant below. Run them all: racesim isolation.

-- @setup
CREATE TABLE test (
  id INT PRIMARY KEY,
  value INT NOT NULL,
  initial INT NOT NULL,
  writes INT NOT NULL DEFAULT 0,
  writer INT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
CREATE TABLE seen (
  reader INT NOT NULL,
  value INT NOT NULL
) ENGINE=InnoDB;
INSERT INTO test (id, value, initial) VALUES (1, 10, 10), (2, 20, 20);

-- @invariant lost_update "an increment overwritten: value - initial != increments made (P4)"
SELECT COALESCE(SUM(ABS(value - initial - writes)), 0) FROM test WHERE writes > 0;

-- @invariant mixed_writers "the rows' last writers are two transactions, not one (G0)"
SELECT GREATEST(COUNT(DISTINCT writer) - 1, 0) FROM test WHERE writer > 0;

-- @invariant circular_reads "T1 read T2's write and T2 read T1's: a cycle (G1c)"
SELECT COUNT(*) FROM seen a JOIN seen b ON a.reader = 1 AND b.reader = 2
  WHERE a.value = 22 AND b.value = 11;

-- @invariant negative_total "the two rows sum below zero: both withdrew on one read (G2-item)"
SELECT GREATEST(-SUM(value), 0) FROM test WHERE id <= 2;

-- @invariant phantom_pair "two rows inserted where each inserter saw none (G2)"
SELECT GREATEST(COUNT(*) - 1, 0) FROM test WHERE id >= 3 AND value % 3 = 0;
