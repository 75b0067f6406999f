-- immediate: BEGIN IMMEDIATE takes the write lock, then find a free seat and book it.
-- SQLite's lock for update: buyers queue in the busy handler; no seat is booked twice.
-- @retry lock_timeout up to 5 times, backoff 1ms..50ms
BEGIN IMMEDIATE;
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1;
-- @require found else unavailable
-- @window
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
COMMIT;
