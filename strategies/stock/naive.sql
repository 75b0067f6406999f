-- naive: check the stock, then decrement it; autocommit, no lock.
-- Buyers who all read before anyone writes pass the check on the last units: oversell.
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
