-- deferred: read then write in a plain (deferred) BEGIN transaction; no retry.
-- A racing buyer that read first cannot upgrade to write: busy at once (lost sales).
BEGIN;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
