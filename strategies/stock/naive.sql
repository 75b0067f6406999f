-- naive: read the stock, check it, then decrement it, in autocommit with no lock (check-then-act).
-- Buyers who read before anyone writes all pass the check on the last units: the shop oversells.
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
