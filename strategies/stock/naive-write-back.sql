-- naive-write-back: read the stock, write back (value read - qty).
-- A write based on a stale read overwrites another buyer's sale: lost update.
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = :stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
