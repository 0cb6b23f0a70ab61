-- Twin of GET /api/v1/statistics/network-meetings (usecases::network_meetings::published_meetings)
-- as it is served while no log or facilitator link has changed: the statements it runs then, the
-- version of the counts (meeting_statistics.rs) and the result kept at that version
-- (published_statistics.rs). Computing the result, on the first request after a change, counts
-- the logs by municipality, quarter and facilitator and suppresses the table in memory; run.py
-- times that first request on its own.
SELECT version FROM network_meeting_statistics_version LIMIT 1;
SELECT version, figures FROM published_statistics WHERE statistic = 'network_meetings' LIMIT 1;
