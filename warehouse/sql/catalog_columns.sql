-- Columns of every table and view with type, nullability and comment, in declaration order.
SELECT table_name AS name, column_name, data_type, is_nullable, column_default, comment
FROM duckdb_columns()
WHERE NOT internal AND schema_name = 'main' AND database_name = current_database()
ORDER BY table_name, column_index;
