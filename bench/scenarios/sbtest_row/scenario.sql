-- sbtest_row: sysbench's oltp_update_non_index on a one-row table (--tables=1 --table-size=1),
-- sysbench's peer (bench/peers.sh): the same table, the same row, a new value for c each purchase.
-- @param tag = 1..2000000000 min 1 max 2000000000 "the value a purchase writes into c (drawn per purchase)"

-- @setup
CREATE TABLE sbtest1 (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  k INT NOT NULL DEFAULT 0,
  c CHAR(120) NOT NULL DEFAULT '',
  pad CHAR(60) NOT NULL DEFAULT '',
  KEY k_1 (k)
) ENGINE=InnoDB;
INSERT INTO sbtest1 (id, k, c, pad) VALUES (1, 1, 'c', 'pad');

-- @invariant one_row "rows other than the one sbtest row"
SELECT ABS(COUNT(*) - 1) FROM sbtest1;
