-- The organisasjonsnummer: the key every Norwegian register and every token from Maskinporten or
-- HelseID names an organisation by. Optional (the operator may register an organisation before its
-- number is known) and unique. The check repeats Brønnøysund's modulus-11 rule, so that no write
-- around the API stores a number no token could carry.
ALTER TABLE organisations ADD COLUMN organisation_number text UNIQUE
    CHECK (organisation_number ~ '^[0-9]{9}$' AND
           (11 - (3 * substr(organisation_number, 1, 1)::int + 2 * substr(organisation_number, 2, 1)::int
                + 7 * substr(organisation_number, 3, 1)::int + 6 * substr(organisation_number, 4, 1)::int
                + 5 * substr(organisation_number, 5, 1)::int + 4 * substr(organisation_number, 6, 1)::int
                + 3 * substr(organisation_number, 7, 1)::int + 2 * substr(organisation_number, 8, 1)::int) % 11) % 11
           = substr(organisation_number, 9, 1)::int);
