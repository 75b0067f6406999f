-- write-back-tx: naive-write-back inside one transaction: the isolation level decides.
-- Below SERIALIZABLE the read takes no lock: lost update; SERIALIZABLE: deadlock (1213) instead.
START TRANSACTION;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = :stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
