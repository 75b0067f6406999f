-- skip-locked-autocommit: SKIP LOCKED with no transaction: the lock ends with the statement,
-- so two buyers can pick the same free seat; whether they do depends on the order of steps.
SELECT id AS picked FROM seats
  WHERE status = 'available'
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
-- @require found else unavailable
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
