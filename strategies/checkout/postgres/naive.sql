-- naive: check every line's stock, then write every line; autocommit, no lock.
-- Carts that check before others write all pass on the last units: products oversell.
-- On PostgreSQL the order's id comes back from the INSERT (RETURNING), not LAST_INSERT_ID().
-- @each line in cart
SELECT stock FROM products WHERE id = :line.product;
-- @require stock >= :line.qty else out_of_stock
-- @end
-- @window
INSERT INTO orders (user_id, line_count) VALUES (:user, :cart) RETURNING id AS order_id;
-- @each line in cart
UPDATE products SET stock = stock - :line.qty WHERE id = :line.product;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (:order_id, :line.product, :line.qty);
-- @end
