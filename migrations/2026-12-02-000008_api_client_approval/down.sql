ALTER TABLE api_clients DROP COLUMN approved_by, DROP COLUMN approved_at;
