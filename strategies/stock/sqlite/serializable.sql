-- serializable: the deferred read-then-write, retried when SQLite says busy.
-- SQLite is always serializable: a racing transaction fails (busy), and is run again.
-- @retry lock_timeout, snapshot_conflict up to 20 times, backoff 1ms..50ms
BEGIN;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
