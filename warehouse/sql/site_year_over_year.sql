SELECT * FROM v_year_over_year ORDER BY county, from_year, from_table_no NULLS LAST, from_seq, to_table_no, to_seq;
