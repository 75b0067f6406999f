-- for-update-retry: for-update, retried on every deadlock until done: suits a cluster.
-- On a multi-primary cluster (Galera) a 1213 is mostly not a lock cycle but another
-- node's replicated write aborting this one (a brute-force abort, or a failed certification
-- at COMMIT): plain for-update gives up after 5 tries and turns buyers away while stock is
-- left. Each abort means some other purchase committed, so retrying until done sells out; the
-- sleeps (5..200 ms, each drawn from the previous one: decorrelated jitter) spread the racing
-- nodes apart. On one server it behaves as for-update.
-- @retry deadlock, lock_timeout until done, backoff 5ms..200ms jitter decorrelated
START TRANSACTION;
SELECT stock FROM products WHERE id = :product FOR UPDATE;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
