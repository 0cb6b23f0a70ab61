-- The organisations learning networks and funding need: national authorities (Helsedirektoratet,
-- KS), the regional health authorities (RHF) and specialist health services (TSB units, family
-- ambulatories, DPS).
ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check
    CHECK (kind IN ('municipality', 'nav_office', 'self_help_centre', 'competence_centre',
        'county_governor', 'user_organisation', 'national_authority', 'regional_health_authority',
        'specialist_health_service', 'other'));
