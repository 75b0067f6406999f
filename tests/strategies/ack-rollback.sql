-- ack-rollback: tells its buyer "ok" for an order it rolls back, an acknowledgement with no
-- durable write (racesim's test of the invariant acked_kept, which must catch it).
START TRANSACTION;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
ROLLBACK;
