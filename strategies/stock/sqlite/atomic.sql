-- atomic: one conditional UPDATE ... WHERE stock >= :qty, checked with changes().
-- The lesson's fix on SQLite: the check cannot go stale; no read before the write lock.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN;
UPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;
SELECT changes() AS changed;
-- @require changed = 1 else out_of_stock
-- @window
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
