-- procedure: one round trip per purchase. A PL/pgSQL function checks and writes on the
-- server (a conditional UPDATE, then the order, in the one statement's transaction); the
-- client only SELECTs it. It returns 1 when it sold, 0 when the stock was short.
SELECT racesim_buy(:user, :product, :qty) AS sold;
-- @require sold = 1 else out_of_stock
-- @window

-- @setup
CREATE OR REPLACE FUNCTION racesim_buy(p_user BIGINT, p_product BIGINT, p_qty BIGINT) RETURNS INT
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE products SET stock = stock - p_qty WHERE id = p_product AND stock >= p_qty;
  IF NOT FOUND THEN
    RETURN 0;  -- nothing written: nothing to undo
  END IF;
  INSERT INTO orders (user_id, product_id, qty) VALUES (p_user, p_product, p_qty);
  RETURN 1;
END;
$$;
