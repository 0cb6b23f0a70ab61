ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check
    CHECK (kind IN ('municipality', 'nav_office', 'self_help_centre', 'competence_centre',
        'county_governor', 'user_organisation', 'other'));
