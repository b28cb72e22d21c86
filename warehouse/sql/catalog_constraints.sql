-- Primary keys and unique constraints of the warehouse tables.
SELECT table_name AS name, constraint_type, constraint_column_names AS columns
FROM duckdb_constraints()
WHERE schema_name = 'main' AND database_name = current_database()
  AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')
ORDER BY table_name, constraint_type, constraint_index;
