-- seats: buyers race to book seats at an event: a specific seat, or any seat.
-- Popular seats (zipf) draw many buyers at once; --any-seat: all race for the next one.
-- @param seats = (users + 1) / 2 min 1 max 1000000 "seats at the event (default: half the buyers get one)"
-- @param skew = zipf:0.99 "how buyers pick a specific seat: uniform or zipf:S (seat 1 is the best)"
-- @param seat = 1..seats by skew min 1 max seats "the seat a purchase wants (drawn per purchase)"
-- @param any_seat = flag "take any available seat instead (--any-seat): the lowest free id"

-- @setup
CREATE TABLE seats (
  id INT PRIMARY KEY,
  status ENUM('available', 'reserved') NOT NULL DEFAULT 'available',
  booked_by INT NULL
) ENGINE=InnoDB;
-- No UNIQUE key on seat_id: the strategies must keep a seat from being booked twice
-- themselves, and the double_booked invariant counts where they did not.
CREATE TABLE bookings (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  seat_id INT NOT NULL,
  user_id INT NOT NULL,
  KEY (seat_id)
) ENGINE=InnoDB;
INSERT INTO seats (id)
  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :seats)
  SELECT n FROM seq;

-- @invariant double_booked "bookings beyond the first on the same seat"
SELECT COALESCE(SUM(n - 1), 0)
  FROM (SELECT COUNT(*) AS n FROM bookings GROUP BY seat_id) b;

-- @invariant status_mismatch "seats whose status or booked_by disagrees with their bookings"
SELECT COUNT(*)
  FROM seats s
  LEFT JOIN (SELECT seat_id, COUNT(*) AS n, MIN(user_id) AS user_id FROM bookings GROUP BY seat_id) b
    ON b.seat_id = s.id
  WHERE NOT ((s.status = 'available' AND b.n IS NULL AND s.booked_by IS NULL)
          OR (s.status = 'reserved' AND b.n = 1 AND s.booked_by = b.user_id));

-- @recorded
SELECT COUNT(*) FROM bookings;

-- @remaining
SELECT COUNT(*) FROM seats WHERE status = 'available';
