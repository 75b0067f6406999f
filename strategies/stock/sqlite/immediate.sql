-- immediate: BEGIN IMMEDIATE takes the write lock first, then check and write.
-- SQLite's lock for update: buyers queue in the busy handler; no oversell, no busy.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN IMMEDIATE;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
