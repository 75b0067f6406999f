-- for-update: lock each line's product in cart order, check, then write; one transaction.
-- Two carts locking the same products in opposite orders deadlock: retried, never oversold.
-- On PostgreSQL the order's id comes back from the INSERT (RETURNING), not LAST_INSERT_ID().
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
-- @each line in cart
SELECT stock FROM products WHERE id = :line.product FOR UPDATE;
-- @require stock >= :line.qty else out_of_stock
-- @window
-- @end
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart) RETURNING id AS order_id;
-- @each line in cart
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
COMMIT;
