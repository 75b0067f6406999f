-- needle: oversells in one interleaving of 2 buyers only: 1,2,2,1,1,1,1,2,2,2. Each UPDATE
-- passes a baton (products.version) and goes through only at its buyer's turn; both buyers
-- check the stock at their first turn, before either takes a unit. A buyer out of turn ends
-- (conflict) before it has changed the stock, so only the needle breaks an invariant.
UPDATE products SET version = version + 1
  WHERE id = :product AND stock >= :qty AND version = CASE :user WHEN 1 THEN 0 ELSE 1 END;
-- @require affected = 1 else out_of_stock
UPDATE products SET version = version + 1
  WHERE id = :product AND version = CASE :user WHEN 1 THEN 3 ELSE 2 END;
-- @require affected = 1 else conflict
UPDATE products SET stock = stock - :qty, version = version + 1
  WHERE id = :product AND version = CASE :user WHEN 1 THEN 4 ELSE 6 END;
-- @require affected = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
UPDATE products SET version = version + 1
  WHERE id = :product AND version = CASE :user WHEN 1 THEN 5 ELSE 7 END;
