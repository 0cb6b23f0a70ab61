-- The physical limit for a list page: 51 rows of one centre and status after a keyset position.
\set offset random(1, :rows)
SELECT * FROM referrals
WHERE target_centre_id = md5('org-1')::uuid AND status = 'closed'
  AND (created_at, id) > (now() - :offset * interval '1 second', '00000000-0000-0000-0000-000000000000'::uuid)
ORDER BY created_at, id LIMIT 51;
