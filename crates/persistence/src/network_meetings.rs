//! Network-meeting logs. A log is reached through a [`NetworkMeetingScope`], in SQL: its
//! facilitator (employer and token subject) reaches it, and so does every competence centre
//! whose `facilitators` rows follow that facilitator up. Nobody else, not even a colleague of
//! the same organisation.

use crate::error::{parse_stored, parse_stored_all, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{one_version_up, OptionalRecord};
use crate::schema::{facilitators, network_meetings, supervision_answers, supervision_sessions};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::network_meeting::{
    FollowedFacilitator, Gender, NetworkMeeting, NetworkMeetingScope, Participants,
    SupervisionAnswer, SupervisionRequest,
};
use samhandling_domain::page::{Page, PageRequest};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = network_meetings, check_for_backend(diesel::pg::Pg))]
struct MeetingRow {
    id: Uuid,
    organisation_id: Uuid,
    facilitator_subject: String,
    held_on: NaiveDate,
    municipality_number: String,
    service: String,
    co_facilitators: Vec<Option<String>>,
    suggested_by: String,
    age_band: String,
    gender: Option<String>,
    family: i16,
    partner: i16,
    friend: i16,
    colleague: i16,
    neighbour: i16,
    professional: i16,
    other: i16,
    themes: Vec<Option<String>>,
    resources_identified: Option<String>,
    next_steps: Option<String>,
    next_meeting_planned: bool,
    next_meeting_on: Option<NaiveDate>,
    supervision_wanted: bool,
    supervision_topic: Option<String>,
    series_id: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<MeetingRow> for NetworkMeeting {
    type Error = StoreError;

    fn try_from(row: MeetingRow) -> Result<Self, Self::Error> {
        Ok(NetworkMeeting {
            id: row.id,
            organisation_id: row.organisation_id,
            facilitator_subject: row.facilitator_subject,
            held_on: row.held_on,
            municipality_number: row.municipality_number,
            service: row.service,
            co_facilitators: row.co_facilitators.into_iter().flatten().collect(),
            suggested_by: parse_stored(&row.suggested_by)?,
            age_group: parse_stored(&row.age_band)?,
            gender: row.gender.as_deref().map(parse_stored).transpose()?,
            participants: Participants {
                family: row.family,
                partner: row.partner,
                friend: row.friend,
                colleague: row.colleague,
                neighbour: row.neighbour,
                professional: row.professional,
                other: row.other,
            },
            themes: parse_stored_all(&row.themes)?,
            resources_identified: row.resources_identified,
            next_steps: row.next_steps,
            next_meeting_planned: row.next_meeting_planned,
            next_meeting_on: row.next_meeting_on,
            supervision_wanted: row.supervision_wanted,
            supervision_topic: row.supervision_topic,
            series_id: row.series_id,
            supervision_answered_on: None,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

type Condition = Box<
    dyn BoxableExpression<
        network_meetings::table,
        diesel::pg::Pg,
        SqlType = diesel::sql_types::Bool,
    >,
>;

/// The logs of the facilitators `centre` follows up: a `facilitators` row of the centre names
/// the log's employer and subject together, and the facilitator has confirmed it. Joined on
/// `facilitator`, the one column naming the pair, which the planner estimates from the pair's
/// own statistics (on the two columns it expected hundreds of times fewer logs, migration
/// 000034).
fn followed_by(centre: Uuid) -> Condition {
    Box::new(diesel::dsl::exists(
        facilitators::table
            .filter(facilitators::competence_centre_id.eq(centre))
            .filter(facilitators::confirmed_at.is_not_null())
            .filter(facilitators::facilitator.eq(network_meetings::facilitator)),
    ))
}

/// Which logs a caller reaches: its own as a facilitator, and those of the facilitators its
/// centre follows up.
pub(crate) fn reachable(scope: &NetworkMeetingScope) -> Condition {
    let own: Option<Condition> = scope.facilitator.clone().map(|(organisation, subject)| {
        Box::new(
            network_meetings::organisation_id
                .eq(organisation)
                .and(network_meetings::facilitator_subject.eq(subject)),
        ) as Condition
    });
    let followed = scope.competence_centre.map(followed_by);
    match (own, followed) {
        (Some(own), Some(followed)) => Box::new(own.or(followed)),
        (Some(own), None) => own,
        (None, Some(followed)) => followed,
        (None, None) => Box::new(network_meetings::id.is_null()),
    }
}

/// Fills in when each log's request was first answered: by any session for the facilitator's
/// own logs, by the centre's own sessions for a log it follows up (another centre's supervision
/// is not its business).
fn with_answers(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    meetings: &mut [NetworkMeeting],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = meetings.iter().map(|meeting| meeting.id).collect();
    let answers = answers_of(conn, &ids, None)?;
    let by_centre = match scope.competence_centre {
        Some(centre) => answers_of(conn, &ids, Some(centre))?,
        None => HashMap::new(),
    };
    for meeting in meetings {
        let answer = if scope.logged(meeting) {
            answers.get(&meeting.id)
        } else {
            by_centre.get(&meeting.id)
        };
        meeting.supervision_answered_on = answer.map(|answer| answer.held_on);
    }
    Ok(())
}

/// The first session (of `centre`, or of anyone) that answered each of `meetings`.
fn answers_of(
    conn: &mut PgConnection,
    meetings: &[Uuid],
    centre: Option<Uuid>,
) -> Result<HashMap<Uuid, SupervisionAnswer>, StoreError> {
    let mut query = supervision_answers::table
        .inner_join(supervision_sessions::table)
        .filter(supervision_answers::network_meeting_id.eq_any(meetings))
        .select((
            supervision_answers::network_meeting_id,
            supervision_sessions::id,
            supervision_sessions::held_on,
        ))
        .order((
            supervision_sessions::held_on.desc(),
            supervision_sessions::created_at.desc(),
        ))
        .into_boxed();
    if let Some(centre) = centre {
        query = query.filter(supervision_sessions::competence_centre_id.eq(centre));
    }
    // Latest first, so the earliest answer of each log is the one kept.
    Ok(query
        .load::<(Uuid, Uuid, NaiveDate)>(conn)?
        .into_iter()
        .map(|(meeting, session_id, held_on)| {
            (
                meeting,
                SupervisionAnswer {
                    session_id,
                    held_on,
                },
            )
        })
        .collect())
}

/// Stores a new log.
pub fn insert(
    conn: &mut PgConnection,
    meeting: &NetworkMeeting,
) -> Result<NetworkMeeting, StoreError> {
    let row: MeetingRow = diesel::insert_into(network_meetings::table)
        .values((
            network_meetings::id.eq(meeting.id),
            network_meetings::organisation_id.eq(meeting.organisation_id),
            network_meetings::facilitator_subject.eq(&meeting.facilitator_subject),
            recorded(meeting),
        ))
        .returning(MeetingRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// The columns a log records and a change may rewrite: everything but who logged it and when.
#[allow(clippy::type_complexity)]
fn recorded(
    meeting: &NetworkMeeting,
) -> (
    (
        diesel::dsl::Eq<network_meetings::held_on, NaiveDate>,
        diesel::dsl::Eq<network_meetings::municipality_number, &String>,
        diesel::dsl::Eq<network_meetings::service, &String>,
        diesel::dsl::Eq<network_meetings::co_facilitators, Vec<Option<String>>>,
        diesel::dsl::Eq<network_meetings::suggested_by, &'static str>,
        diesel::dsl::Eq<network_meetings::age_band, &'static str>,
        diesel::dsl::Eq<network_meetings::gender, Option<&'static str>>,
        diesel::dsl::Eq<network_meetings::family, i16>,
        diesel::dsl::Eq<network_meetings::partner, i16>,
        diesel::dsl::Eq<network_meetings::friend, i16>,
        diesel::dsl::Eq<network_meetings::colleague, i16>,
        diesel::dsl::Eq<network_meetings::neighbour, i16>,
        diesel::dsl::Eq<network_meetings::professional, i16>,
    ),
    (
        diesel::dsl::Eq<network_meetings::other, i16>,
        diesel::dsl::Eq<network_meetings::themes, Vec<Option<String>>>,
        diesel::dsl::Eq<network_meetings::resources_identified, &Option<String>>,
        diesel::dsl::Eq<network_meetings::next_steps, &Option<String>>,
        diesel::dsl::Eq<network_meetings::next_meeting_planned, bool>,
        diesel::dsl::Eq<network_meetings::next_meeting_on, Option<NaiveDate>>,
        diesel::dsl::Eq<network_meetings::supervision_wanted, bool>,
        diesel::dsl::Eq<network_meetings::supervision_topic, &Option<String>>,
        diesel::dsl::Eq<network_meetings::series_id, &Option<String>>,
    ),
) {
    let participants = meeting.participants;
    (
        (
            network_meetings::held_on.eq(meeting.held_on),
            network_meetings::municipality_number.eq(&meeting.municipality_number),
            network_meetings::service.eq(&meeting.service),
            network_meetings::co_facilitators.eq(text_array(&meeting.co_facilitators)),
            network_meetings::suggested_by.eq(meeting.suggested_by.as_str()),
            network_meetings::age_band.eq(meeting.age_group.as_str()),
            network_meetings::gender.eq(meeting.gender.map(Gender::as_str)),
            network_meetings::family.eq(participants.family),
            network_meetings::partner.eq(participants.partner),
            network_meetings::friend.eq(participants.friend),
            network_meetings::colleague.eq(participants.colleague),
            network_meetings::neighbour.eq(participants.neighbour),
            network_meetings::professional.eq(participants.professional),
        ),
        (
            network_meetings::other.eq(participants.other),
            network_meetings::themes.eq(theme_array(meeting)),
            network_meetings::resources_identified.eq(&meeting.resources_identified),
            network_meetings::next_steps.eq(&meeting.next_steps),
            network_meetings::next_meeting_planned.eq(meeting.next_meeting_planned),
            network_meetings::next_meeting_on.eq(meeting.next_meeting_on),
            network_meetings::supervision_wanted.eq(meeting.supervision_wanted),
            network_meetings::supervision_topic.eq(&meeting.supervision_topic),
            network_meetings::series_id.eq(&meeting.series_id),
        ),
    )
}

fn text_array(values: &[String]) -> Vec<Option<String>> {
    values.iter().cloned().map(Some).collect()
}

fn theme_array(meeting: &NetworkMeeting) -> Vec<Option<String>> {
    meeting
        .themes
        .iter()
        .map(|theme| Some(theme.as_str().to_owned()))
        .collect()
}

/// Stores the changed fields of a log (locked and checked), one version up.
pub fn update(
    conn: &mut PgConnection,
    meeting: &NetworkMeeting,
) -> Result<NetworkMeeting, StoreError> {
    let row: MeetingRow = diesel::update(network_meetings::table.find(meeting.id))
        .set((recorded(meeting), one_version_up!(network_meetings)))
        .returning(MeetingRow::as_returning())
        .get_result(conn)?;
    let mut changed: NetworkMeeting = row.try_into()?;
    let own = NetworkMeetingScope {
        facilitator: Some((changed.organisation_id, changed.facilitator_subject.clone())),
        competence_centre: None,
    };
    with_answers(conn, &own, std::slice::from_mut(&mut changed))?;
    Ok(changed)
}

/// The log `id`, if `scope` reaches it.
pub fn find(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &NetworkMeetingScope,
) -> Result<Option<NetworkMeeting>, StoreError> {
    let Some(row) = network_meetings::table
        .filter(network_meetings::id.eq(id))
        .filter(reachable(scope))
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let mut meeting = NetworkMeeting::try_from(row)?;
    with_answers(conn, scope, std::slice::from_mut(&mut meeting))?;
    Ok(Some(meeting))
}

/// The log `id`, locked, if `scope` reaches it.
pub fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &NetworkMeetingScope,
) -> Result<Option<NetworkMeeting>, StoreError> {
    network_meetings::table
        .filter(network_meetings::id.eq(id))
        .filter(reachable(scope))
        .select(MeetingRow::as_select())
        .for_update()
        .first(conn)
        .optional_record()
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    /// Only the logs of this series (a facilitator's own label).
    pub series_id: Option<String>,
}

/// One page of the logs `scope` reaches, in the order logged.
pub fn list(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    filter: &MeetingFilter,
    page: PageRequest,
) -> Result<Page<NetworkMeeting>, StoreError> {
    let mut query = created_order!(network_meetings, MeetingRow).filter(reachable(scope));
    if let Some(series) = &filter.series_id {
        query = query.filter(network_meetings::series_id.eq(series.clone()));
    }
    let mut found =
        pagination::load_created_page::<_, MeetingRow, NetworkMeeting>(conn, query, page)?;
    with_answers(conn, scope, &mut found.items)?;
    Ok(found)
}

/// The facilitators (employer, subject) of `wanted` that `centre` follows up (links they have
/// confirmed), with their names.
pub fn followed_facilitators(
    conn: &mut PgConnection,
    centre: Uuid,
    wanted: &[(Uuid, String)],
) -> Result<Vec<FollowedFacilitator>, StoreError> {
    let subjects: Vec<&str> = wanted.iter().map(|(_, subject)| subject.as_str()).collect();
    let rows: Vec<(Uuid, String, String)> = facilitators::table
        .filter(facilitators::competence_centre_id.eq(centre))
        .filter(facilitators::confirmed_at.is_not_null())
        .filter(facilitators::subject.eq_any(subjects))
        .select((
            facilitators::employer_organisation_id,
            facilitators::subject,
            facilitators::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(employer, subject, _)| wanted.iter().any(|(e, s)| e == employer && s == subject))
        .map(
            |(employer_organisation_id, subject, name)| FollowedFacilitator {
                employer_organisation_id,
                subject,
                name,
            },
        )
        .collect())
}

/// Filters for a centre's supervision queue.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFilter {
    /// Only requests one of the centre's sessions answered (`true`), or none has (`false`).
    pub answered: Option<bool>,
}

#[derive(Debug, Queryable)]
struct RequestRow {
    id: Uuid,
    organisation_id: Uuid,
    facilitator_subject: String,
    supervision_topic: Option<String>,
    held_on: NaiveDate,
    created_at: DateTime<Utc>,
}

impl TryFrom<RequestRow> for SupervisionRequest {
    type Error = StoreError;

    fn try_from(row: RequestRow) -> Result<Self, Self::Error> {
        Ok(SupervisionRequest {
            network_meeting_id: row.id,
            facilitator: FollowedFacilitator {
                employer_organisation_id: row.organisation_id,
                subject: row.facilitator_subject,
                name: String::new(),
            },
            topic: row.supervision_topic,
            held_on: row.held_on,
            requested_at: row.created_at,
            answer: None,
        })
    }
}

/// The requests in `centre`'s queue among `ids`: logs of its facilitators asking for
/// supervision.
pub fn requests_in_queue(
    conn: &mut PgConnection,
    centre: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    Ok(network_meetings::table
        .filter(network_meetings::id.eq_any(ids))
        .filter(network_meetings::supervision_wanted.eq(true))
        .filter(followed_by(centre))
        .select(network_meetings::id)
        .load(conn)?)
}

/// One page of `centre`'s supervision queue, oldest request first.
pub fn supervision_requests(
    conn: &mut PgConnection,
    centre: Uuid,
    filter: RequestFilter,
    page: PageRequest,
) -> Result<Page<SupervisionRequest>, StoreError> {
    let answered_here = diesel::dsl::exists(
        supervision_answers::table
            .filter(supervision_answers::network_meeting_id.eq(network_meetings::id))
            .filter(
                supervision_answers::session_id.eq_any(
                    supervision_sessions::table
                        .filter(supervision_sessions::competence_centre_id.eq(centre))
                        .select(supervision_sessions::id),
                ),
            ),
    );
    let mut query = network_meetings::table
        .filter(network_meetings::supervision_wanted.eq(true))
        .filter(followed_by(centre))
        .select((
            network_meetings::id,
            network_meetings::organisation_id,
            network_meetings::facilitator_subject,
            network_meetings::supervision_topic,
            network_meetings::held_on,
            network_meetings::created_at,
        ))
        .order((network_meetings::created_at, network_meetings::id))
        .into_boxed();
    match filter.answered {
        Some(true) => query = query.filter(answered_here),
        Some(false) => query = query.filter(diesel::dsl::not(answered_here)),
        None => {}
    }
    let mut found =
        pagination::load_created_page::<_, RequestRow, SupervisionRequest>(conn, query, page)?;
    let ids: Vec<Uuid> = found
        .items
        .iter()
        .map(|request| request.network_meeting_id)
        .collect();
    let answers = answers_of(conn, &ids, Some(centre))?;
    let pairs: Vec<(Uuid, String)> = found
        .items
        .iter()
        .map(|request| {
            (
                request.facilitator.employer_organisation_id,
                request.facilitator.subject.clone(),
            )
        })
        .collect();
    let followed = followed_facilitators(conn, centre, &pairs)?;
    for request in &mut found.items {
        request.answer = answers.get(&request.network_meeting_id).copied();
        if let Some(known) = followed.iter().find(|f| {
            f.employer_organisation_id == request.facilitator.employer_organisation_id
                && f.subject == request.facilitator.subject
        }) {
            request.facilitator.name.clone_from(&known.name);
        }
    }
    Ok(found)
}
