DROP TABLE referral_statistics;
