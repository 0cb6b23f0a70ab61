-- Organisations: every record and every token belongs to one.
CREATE TABLE organisations (
    id                  uuid PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN ('municipality', 'nav_office', 'self_help_centre',
                            'competence_centre', 'county_governor', 'user_organisation', 'other')),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    municipality_number text CHECK (municipality_number ~ '^[0-9]{4}$'),
    county              text CHECK (length(county) BETWEEN 1 AND 100),
    region              text CHECK (length(region) BETWEEN 1 AND 100),
    version             integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisations_municipality_has_number
        CHECK (kind <> 'municipality' OR municipality_number IS NOT NULL)
);

-- A kommunenummer identifies one municipality; other kinds may share the number of where they are.
CREATE UNIQUE INDEX organisations_municipality_number_key
    ON organisations (municipality_number) WHERE kind = 'municipality';

-- Keyset pagination in (created_at, id) order, alone and behind each filter.
CREATE INDEX organisations_created_at_id ON organisations (created_at, id);
CREATE INDEX organisations_kind_created_at_id ON organisations (kind, created_at, id);
CREATE INDEX organisations_municipality_number_created_at_id
    ON organisations (municipality_number, created_at, id);
CREATE INDEX organisations_region_created_at_id ON organisations (region, created_at, id);
