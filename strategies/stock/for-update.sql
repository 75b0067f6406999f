-- for-update: lock the row with SELECT ... FOR UPDATE, check, then write (pessimistic locking).
-- Buyers queue on the row lock: never oversells, at the cost of one buyer at a time per product.
-- @retry deadlock, lock_timeout up to 5 times, backoff 1ms..50ms
START TRANSACTION;
SELECT stock FROM products WHERE id = :product FOR UPDATE;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
