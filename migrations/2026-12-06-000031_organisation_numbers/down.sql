ALTER TABLE organisations DROP COLUMN organisation_number;
