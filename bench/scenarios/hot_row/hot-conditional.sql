-- hot-conditional: the lesson's fix as one autocommit statement, the sqlite3 shell's peer
-- (bench/sqlite.sh): take one unit off the one row only while there is one.
UPDATE products SET stock = stock - 1 WHERE id = 1 AND stock >= 1;
