-- coupon on SQLite: the setup in its DDL (the parameters, invariants and strategies are
-- shared: strategies/coupon/scenario.sql).
-- @setup
CREATE TABLE coupons (
  id INTEGER PRIMARY KEY,
  max_uses INT NOT NULL,
  uses INT NOT NULL DEFAULT 0
);
-- The key covers `once` (NULL for all but unique.sql), as in the shared scenario.sql.
CREATE TABLE redemptions (
  id INTEGER PRIMARY KEY,
  customer_id INT NOT NULL,
  coupon_id INT NOT NULL,
  once SMALLINT NULL,
  CONSTRAINT once_per_customer UNIQUE (customer_id, coupon_id, once)
);
INSERT INTO coupons (id, max_uses) VALUES (:coupon, :max_uses);
