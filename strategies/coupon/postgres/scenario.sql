-- coupon: a once-per-customer coupon, redeemed by identical requests at once.
-- Buyer u redeems for customer (u - 1) % customers + 1; max_uses caps the total.
-- @param customers = (users + 9) / 10 min 1 max 2147483647 "customers (users / 10, rounded up): each fires several identical requests"
-- @param customer = (user - 1) % customers + 1 "the customer a buyer redeems for (computed from :user)"
-- @param coupon = 1 min 1 max 2147483647 "the coupon's id (one coupon, redeemed by every customer)"
-- @param max_uses = (customers + 1) / 2 min 0 max 2147483647 "redemptions the coupon allows in total (all customers)"

-- PostgreSQL's setup (strategies/coupon/postgres/): the same tables in its DDL.
-- @setup
CREATE TABLE coupons (
  id INT PRIMARY KEY,
  max_uses INT NOT NULL,
  uses INT NOT NULL DEFAULT 0
);
-- One table for every strategy. A real schema would declare UNIQUE (customer_id, coupon_id);
-- here the key also covers `once`, and NULLs never collide in a UNIQUE key, so it only
-- bites for the strategy that opts in by writing once = 1 (unique.sql). The others leave
-- once NULL and must stop duplicates themselves; redeemed_twice counts where they did not.
CREATE TABLE redemptions (
  id BIGSERIAL PRIMARY KEY,
  customer_id INT NOT NULL,
  coupon_id INT NOT NULL,
  once SMALLINT NULL,
  CONSTRAINT once_per_customer UNIQUE (customer_id, coupon_id, once)
);
INSERT INTO coupons (id, max_uses) VALUES (:coupon, :max_uses);

-- @invariant redeemed_twice "redemptions beyond the first for one (customer, coupon)"
SELECT COALESCE(SUM(n - 1), 0)
  FROM (SELECT COUNT(*) AS n FROM redemptions GROUP BY customer_id, coupon_id) r;

-- @invariant over_limit "redemptions beyond the coupon's max_uses"
SELECT COALESCE(SUM(GREATEST(r.n - c.max_uses, 0)), 0)
  FROM coupons c
  JOIN (SELECT coupon_id, COUNT(*) AS n FROM redemptions GROUP BY coupon_id) r ON r.coupon_id = c.id;

-- @recorded
SELECT COUNT(*) FROM redemptions;

-- @remaining
SELECT COALESCE(SUM(GREATEST(c.max_uses - (SELECT COUNT(*) FROM redemptions r WHERE r.coupon_id = c.id), 0)), 0)
  FROM coupons c;
