-- hot-update: one autocommit UPDATE of one row, the statement of pgbench's custom script.
UPDATE products SET stock = stock - 1 WHERE id = 1;
