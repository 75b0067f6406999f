-- atomic: claim with UPDATE ... WHERE id = :picked AND status = 'available'.
-- Check and write in one statement: changes() = 0 means someone was faster (retry).
-- @retry taken, lock_timeout up to 20 times, backoff 1ms..20ms
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1;
-- @require found else unavailable
-- @window
BEGIN;
UPDATE seats SET status = 'reserved', booked_by = :user
  WHERE id = :picked AND status = 'available';
SELECT changes() AS changed;
-- @require changed = 1 else taken
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
COMMIT;
