-- atomic: a conditional UPDATE per line (in id order), checked with changes(); one short line
-- ends the whole cart, and the transaction rolls it back whole: never partial.
-- The order's id is last_insert_rowid(), read once right after the order's INSERT.
-- @retry lock_timeout up to 20 times, backoff 1ms..50ms
BEGIN;
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart);
SELECT last_insert_rowid() AS order_id;
-- @each line in cart sorted by product
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product AND stock >= :line.qty;
SELECT changes() AS changed;
-- @require changed = 1 else out_of_stock
-- @window
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
COMMIT;
