-- The physical limit for a create: one row into referrals, as the API's insert writes it.
INSERT INTO referrals (id, reference, source, target_centre_id, referring_organisation_id,
    referring_subject, offer, status, target_groups, preferred_format, residence_municipality,
    consent_contact, consent_feedback, consent_method, consent_obtained_at)
VALUES (gen_random_uuid(),
    upper(substr(lpad(to_hex(nextval('bench_reference')), 8, '0'), 1, 4) || '-' || substr(lpad(to_hex(currval('bench_reference')), 8, '0'), 5, 4)),
    'referral', md5('org-1')::uuid, md5('org-26')::uuid, 'bench', 'self_help_group', 'submitted',
    ARRAY['work_assessment_allowance'], 'digital', '5035', true, true, 'in_person', now());
