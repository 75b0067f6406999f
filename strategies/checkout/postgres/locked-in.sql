-- locked-in: lock the whole cart with one SELECT ... IN (...) FOR UPDATE, then write.
-- One statement takes every lock, in index order: no deadlock, one round trip to lock.
-- On PostgreSQL the order's id comes back from the INSERT (RETURNING), not LAST_INSERT_ID().
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
SELECT id FROM products WHERE id IN (:cart.product) ORDER BY id FOR UPDATE;
-- @window
-- @each line in cart
SELECT stock FROM products WHERE id = :line.product;
-- @require stock >= :line.qty else out_of_stock
-- @end
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart) RETURNING id AS order_id;
-- @each line in cart
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
COMMIT;
