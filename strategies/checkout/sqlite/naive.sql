-- naive: check every line's stock, then write every line; autocommit, no lock.
-- Carts that check before others write all pass on the last units: products oversell.
-- On SQLite the order's id is last_insert_rowid(), read once right after the order's INSERT
-- (each order_lines INSERT moves it to that row's rowid).
-- @each line in cart
SELECT stock FROM products WHERE id = :line.product;
-- @require stock >= :line.qty else out_of_stock
-- @end
-- @window
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart);
SELECT last_insert_rowid() AS order_id;
-- @each line in cart
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
