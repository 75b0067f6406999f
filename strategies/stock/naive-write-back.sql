-- naive-write-back: read the stock, then write back the value read minus qty (read-modify-write).
-- A buyer who read before another's write overwrites it: that sale's units come back (lost update).
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = :stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
