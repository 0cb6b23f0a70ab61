DROP TABLE outreach_invitations;
DROP TABLE outreach_meetings;
