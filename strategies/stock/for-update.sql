-- for-update: lock the row (SELECT ... FOR UPDATE), check, then write.
-- Pessimistic: buyers queue on the row lock, so none oversells; one buyer at a time.
-- @retry deadlock, lock_timeout up to 5 times, backoff 1ms..50ms
START TRANSACTION;
SELECT stock FROM products WHERE id = :product FOR UPDATE;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
