//! Network meetings (nettverksmøter): a trained facilitator offers a person in a hard time a
//! meeting where the person alone chooses who from their own network takes part, and the talk
//! builds on the person's and the network's resources. The log of a meeting identifies nobody:
//! the main person by age band and optional gender, the network by counts per relation, and a
//! series of meetings by a label the facilitator chooses. Competence centres read the logs of the
//! facilitators they follow up, and answer requests for supervision (veiledning) in sessions.

use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

wire_enum! {
    /// Who suggested the meeting.
    SuggestedBy {
        /// The professional.
        Professional => "professional",
        /// The main person.
        MainPerson => "main_person",
        /// Someone in the network.
        Network => "network",
    }
}

wire_enum! {
    /// The main person's age, in bands wide enough to identify nobody.
    AgeGroup {
        /// Under 18.
        Under18 => "under_18",
        /// 18 to 29.
        From18To29 => "18_29",
        /// 30 to 49.
        From30To49 => "30_49",
        /// 50 to 66.
        From50To66 => "50_66",
        /// 67 or older.
        From67 => "67_or_older",
    }
}

wire_enum! {
    /// The main person's gender, when the facilitator records it.
    Gender {
        /// Kvinne.
        Female => "female",
        /// Mann.
        Male => "male",
        /// Annet.
        Other => "other",
    }
}

wire_enum! {
    /// What a network meeting was about.
    NetworkTheme {
        /// Psykisk helse.
        MentalHealth => "mental_health",
        /// Rus.
        SubstanceUse => "substance_use",
        /// Family and relationships.
        Family => "family",
        /// Work, school or activity.
        WorkOrSchool => "work_or_school",
        /// Housing.
        Housing => "housing",
        /// Money.
        Finances => "finances",
        /// Loneliness.
        Loneliness => "loneliness",
        /// Violence.
        Violence => "violence",
        /// Anything else.
        Other => "other",
    }
}

/// Who came, counted by their relation to the main person; nobody is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participants {
    /// Family.
    pub family: i16,
    /// Partner.
    pub partner: i16,
    /// Friends.
    pub friend: i16,
    /// Colleagues.
    pub colleague: i16,
    /// Neighbours.
    pub neighbour: i16,
    /// Professionals (besides the facilitators).
    pub professional: i16,
    /// Anyone else.
    pub other: i16,
}

impl Participants {
    /// The network's size: everyone who came besides the main person and the facilitators.
    pub fn size(self) -> i16 {
        self.family
            + self.partner
            + self.friend
            + self.colleague
            + self.neighbour
            + self.professional
            + self.other
    }
}

/// Why a log whose main person did not choose the participants is refused: the method stands on
/// it, so such a meeting is not a network meeting.
pub const PRINCIPLE: &str =
    "in a network meeting the main person alone chooses who from their network takes part: \
     a meeting where someone else chose is not a network meeting and cannot be logged as one";

/// A network meeting's log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkMeeting {
    /// Identifier.
    pub id: Uuid,
    /// The facilitator's employer.
    pub organisation_id: Uuid,
    /// The facilitator who leads it and logged it (token subject).
    pub facilitator_subject: String,
    /// The date.
    pub held_on: NaiveDate,
    /// The municipality (kommunenummer) it was held in.
    pub municipality_number: String,
    /// The service it was held by.
    pub service: String,
    /// Co-facilitators (professionals, by name or title).
    pub co_facilitators: Vec<String>,
    /// Who suggested it.
    pub suggested_by: SuggestedBy,
    /// The main person's age band.
    pub age_group: AgeGroup,
    /// The main person's gender, if recorded.
    pub gender: Option<Gender>,
    /// Who came.
    pub participants: Participants,
    /// What it was about.
    pub themes: Vec<NetworkTheme>,
    /// The resources the person and the network found.
    pub resources_identified: Option<String>,
    /// What was agreed next.
    pub next_steps: Option<String>,
    /// Whether another meeting is planned.
    pub next_meeting_planned: bool,
    /// When, if known.
    pub next_meeting_on: Option<NaiveDate>,
    /// Whether the facilitator wants supervision on it.
    pub supervision_wanted: bool,
    /// On what.
    pub supervision_topic: Option<String>,
    /// The facilitator's own label linking the meetings of one main person.
    pub series_id: Option<String>,
    /// When a supervision session answered the request, if one has.
    pub supervision_answered_on: Option<NaiveDate>,
    /// Increases with every change.
    pub version: i32,
    /// Logged.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Which logs a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkMeetingScope {
    /// A facilitator's own logs: its employer and token subject.
    pub facilitator: Option<(Uuid, String)>,
    /// A competence centre: the logs of the facilitators it follows up.
    pub competence_centre: Option<Uuid>,
}

/// A supervision session a competence centre held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionSession {
    /// Identifier.
    pub id: Uuid,
    /// The competence centre.
    pub competence_centre_id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// The adviser who held it (token subject).
    pub adviser_subject: String,
    /// The facilitators there: employer and token subject.
    pub facilitators: Vec<(Uuid, String)>,
    /// What it was about.
    pub topics: Vec<String>,
    /// The requests (logs) it answered.
    pub answers: Vec<Uuid>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

crate::page::keyed_by!(NetworkMeeting, created_at);
crate::page::keyed_by!(SupervisionSession, created_at);

/// A facilitator as its competence centre knows it.
// As the centre's `facilitators` row names it: the centre knows its facilitators by name, the
// logs never do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = NetworkMeetingFacilitator)]
pub struct FollowedFacilitator {
    /// The employer.
    pub employer_organisation_id: Uuid,
    /// The token subject.
    pub subject: String,
    /// The name in the centre's register of facilitators.
    pub name: String,
}

/// The first supervision session that answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupervisionAnswer {
    /// The session.
    pub session_id: Uuid,
    /// When it was held.
    pub held_on: NaiveDate,
}

/// A log asking for supervision, in a competence centre's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionRequest {
    /// The log that asks.
    pub network_meeting_id: Uuid,
    /// Who asks.
    pub facilitator: FollowedFacilitator,
    /// On what.
    pub topic: Option<String>,
    /// When the meeting was held.
    pub held_on: NaiveDate,
    /// When the log asking for it was written: the queue's order.
    pub requested_at: DateTime<Utc>,
    /// The centre's session that answered it; `None` while open.
    pub answer: Option<SupervisionAnswer>,
}

impl crate::page::Keyed for SupervisionRequest {
    fn position(&self) -> crate::page::Position {
        crate::page::Position {
            created_at: self.requested_at,
            id: self.network_meeting_id,
        }
    }
}

impl NetworkMeeting {
    /// The rules across fields of a log: the meeting has happened (`held_on` not past tomorrow,
    /// or it would be counted in a year still to come), a next meeting not before it, a date only
    /// for a planned next meeting, a topic only when supervision is wanted. Every refusal, by the
    /// field's path.
    pub fn check_coherent(&self, now: DateTime<Utc>) -> Vec<FieldRefusal> {
        let mut refusals = Vec::new();
        if let Err(refusal) = crate::chronology::check_past_on(self.held_on, now) {
            refusals.push(refusal.at("held_on"));
        }
        if self.next_meeting_on.is_some_and(|next| next < self.held_on) {
            refusals.push(FieldRefusal::new(
                "next_meeting.on",
                "before_start",
                "the next meeting cannot be before this one",
            ));
        }
        if !self.next_meeting_planned && self.next_meeting_on.is_some() {
            refusals.push(FieldRefusal::new(
                "next_meeting.on",
                "only_when_planned",
                "a date belongs to a planned meeting only: leave `on` out or set `planned`",
            ));
        }
        if !self.supervision_wanted && self.supervision_topic.is_some() {
            refusals.push(FieldRefusal::new(
                "supervision.topic",
                "only_when_wanted",
                "a topic belongs to a supervision request only: leave `topic` out or set `wanted`",
            ));
        }
        refusals
    }
}

impl SupervisionSession {
    /// A session is recorded once held: `held_on` not past tomorrow.
    pub fn check_coherent(&self, now: DateTime<Utc>) -> Vec<FieldRefusal> {
        crate::chronology::check_past_on(self.held_on, now)
            .err()
            .map(|refusal| refusal.at("held_on"))
            .into_iter()
            .collect()
    }
}

impl NetworkMeetingScope {
    /// The logs `caller` reaches: its own as a facilitator, and, as a competence adviser, those
    /// of the facilitators its centre follows up.
    pub fn of(caller: &crate::Caller) -> NetworkMeetingScope {
        NetworkMeetingScope {
            facilitator: caller
                .has_role(crate::Role::Facilitator)
                .then(|| (caller.organisation_id.uuid(), caller.subject.clone())),
            competence_centre: caller
                .has_role(crate::Role::CompetenceAdviser)
                .then(|| caller.organisation_id.uuid()),
        }
    }

    /// Only the facilitator's own logs: what it may change.
    pub fn own(caller: &crate::Caller) -> NetworkMeetingScope {
        NetworkMeetingScope {
            facilitator: Some((caller.organisation_id.uuid(), caller.subject.clone())),
            competence_centre: None,
        }
    }

    /// Whether `meeting` is the caller's own log (as its facilitator), not one it follows up.
    pub fn logged(&self, meeting: &NetworkMeeting) -> bool {
        self.facilitator
            .as_ref()
            .is_some_and(|(organisation, subject)| {
                *organisation == meeting.organisation_id && *subject == meeting.facilitator_subject
            })
    }
}

/// Whether `themes` names each theme at most once.
pub fn distinct_themes(themes: &[NetworkTheme]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    themes.iter().all(|theme| seen.insert(*theme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_network_is_everyone_counted() {
        let participants = Participants {
            family: 2,
            friend: 1,
            professional: 1,
            ..Participants::default()
        };
        assert_eq!(participants.size(), 4);
    }

    #[test]
    fn a_theme_counts_once() {
        assert!(distinct_themes(&[
            NetworkTheme::Housing,
            NetworkTheme::Family
        ]));
        assert!(!distinct_themes(&[
            NetworkTheme::Housing,
            NetworkTheme::Housing
        ]));
    }
}
