-- atomic: a conditional UPDATE per line (in id order); one short line ends the whole cart.
-- Each check is the write itself; the transaction rolls the cart back whole: never partial.
-- On PostgreSQL the order's id comes back from the INSERT (RETURNING), not LAST_INSERT_ID().
-- @retry deadlock, lock_timeout up to 20 times, backoff 1ms..50ms
START TRANSACTION;
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart) RETURNING id AS order_id;
-- @each line in cart sorted by product
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product AND stock >= :line.qty;
-- @require affected = 1 else out_of_stock
-- @window
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
COMMIT;
