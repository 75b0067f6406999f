-- update-non-index: one autocommit UPDATE of a non-indexed column of the one row, the statement
-- of sysbench's oltp_update_non_index (UPDATE sbtest1 SET c=? WHERE id=?, id always 1 here).
UPDATE sbtest1 SET c = :tag WHERE id = 1;
