-- naive: check the seat is available, then reserve it; autocommit, no lock.
-- Buyers who all read 'available' before anyone writes all book it: double booking.
SELECT id AS picked FROM seats
  WHERE (:any_seat = 1 OR id = :seat) AND status = 'available'
  ORDER BY id LIMIT 1;
-- @require found else unavailable
-- @window
UPDATE seats SET status = 'reserved', booked_by = :user WHERE id = :picked;
INSERT INTO bookings (seat_id, user_id) VALUES (:picked, :user);
