-- user-lock: a user lock (GET_LOCK) around the purchase: waits show in the process list.
SELECT GET_LOCK('racesim_test', 20) AS got;
SELECT stock FROM products WHERE id = :product;
-- @require stock >= qty else out_of_stock
UPDATE products SET stock = stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
SELECT RELEASE_LOCK('racesim_test') AS released;
