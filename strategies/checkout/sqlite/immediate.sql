-- immediate: BEGIN IMMEDIATE takes the write lock before the cart is checked, then write.
-- SQLite's lock for update (for the whole database, so no lock order to get wrong): carts
-- queue in the busy handler; no oversell, never partial.
-- The order's id is last_insert_rowid(), read once right after the order's INSERT.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN IMMEDIATE;
-- @each line in cart
SELECT stock FROM products WHERE id = :line.product;
-- @require stock >= :line.qty else out_of_stock
-- @window
-- @end
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart);
SELECT last_insert_rowid() AS order_id;
-- @each line in cart
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
COMMIT;
