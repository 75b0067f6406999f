-- atomic: one conditional UPDATE ... WHERE stock >= :qty checks and writes.
-- The check cannot go stale between read and write: no oversell, no lock held to decide.
START TRANSACTION;
UPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;
-- @require affected = 1 else out_of_stock
-- @window
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
