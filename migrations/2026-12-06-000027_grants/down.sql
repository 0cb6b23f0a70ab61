DROP TABLE grant_activities;
DROP TABLE grants;
