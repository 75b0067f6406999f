-- optimistic-sells: optimistic (version check, no lock while deciding), retried until the
-- purchase succeeds or the stock is gone: no lost sales. The backoff is sized to the contention
-- (`jitter contention`): a share of the purchases in progress × a slot that grows with every
-- conflict and shrinks with every finished attempt, so 500 buyers spread out instead of colliding
-- again, and a sleeper wakes sooner as buyers finish (no long sleep after the sellout). A conflict
-- costs no lock wait: the UPDATE does not wait for a row another buyer holds (lock wait 0, an
-- error that is a conflict), where a waiting UPDATE queued every loser on the row. The read is
-- inside the transaction (read committed: the latest commit), so a sale needs four round trips
-- after the read it rests on, not five. Measured in docs/benchmarks.md (bench/optimistic.sh).
-- @isolation read-committed
-- @retry conflict until done, backoff 0ms..1s jitter contention
START TRANSACTION;
SELECT stock, version FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
SET STATEMENT innodb_lock_wait_timeout = 0 FOR
UPDATE products SET stock = stock - :qty, version = version + 1
  WHERE id = :product AND version = :version;
-- @on lock_timeout conflict
-- @require affected = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
