-- atomic-retry: atomic, retried on every deadlock until done: suits a cluster.
-- On one server atomic never deadlocks; on a multi-primary cluster (Galera) another node's
-- replicated write aborts it with a 1213 (a brute-force abort, or a failed certification at
-- COMMIT), and plain atomic does not retry: a lost sale while stock is left. Each abort means
-- some other purchase committed, so retrying until done sells out; the sleeps (5..200 ms, each
-- drawn from the previous one: decorrelated jitter) spread the racing nodes apart.
-- @retry deadlock, lock_timeout until done, backoff 5ms..200ms jitter decorrelated
START TRANSACTION;
UPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;
-- @require affected = 1 else out_of_stock
-- @window
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
