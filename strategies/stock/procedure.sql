-- procedure: one round trip per purchase. A stored procedure checks and writes on the
-- server (a conditional UPDATE, then the order, in one transaction); the client only CALLs
-- it. Sold out is its own SIGNAL (error 1644): @signal makes it out_of_stock, not an error.
CALL racesim_buy(:user, :product, :qty);
-- @signal 1644 out_of_stock
-- @window

-- @setup
-- @delimiter //
CREATE OR REPLACE PROCEDURE racesim_buy(IN p_user INT, IN p_product INT, IN p_qty INT)
MODIFIES SQL DATA
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  START TRANSACTION;
  UPDATE products SET stock = stock - p_qty WHERE id = p_product AND stock >= p_qty;
  IF ROW_COUNT() = 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'out of stock';  -- the handler rolls back
  END IF;
  INSERT INTO orders (user_id, product_id, qty) VALUES (p_user, p_product, p_qty);
  COMMIT;
END //
