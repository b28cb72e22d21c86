-- Tables and views of the warehouse with their comments (the data dictionary's source).
SELECT 'table' AS kind, table_name AS name, comment
FROM duckdb_tables()
WHERE NOT internal AND NOT temporary AND schema_name = 'main' AND database_name = current_database()
UNION ALL
SELECT 'view', view_name, comment
FROM duckdb_views()
WHERE NOT internal AND NOT temporary AND schema_name = 'main' AND database_name = current_database()
ORDER BY kind, name;
