-- The physical limit for a read: one referral by primary key.
\set n random(1, :rows)
SELECT * FROM referrals WHERE id = md5('bench-' || :n)::uuid;
