//! Coordination (samhandling) between a municipality and the partners who can help it: the needs
//! the county governor records at a dialogue meeting, addressed to a named competence centre,
//! user organisation or the governor itself, and the requests for help a municipality sends on
//! its own. Both are a [`CollaborationNeed`]: addressed to one partner, who answers it (accepted,
//! declined with a reason, done) and may offer something, while the one who raised it follows
//! its state and may withdraw it.
//!
//! Who sees a need: the partner it is addressed to, the municipality it is about, and the county
//! governor of that municipality's county. A request to a partner is the municipality's own
//! business with that partner: the governor sees that it exists and where it stands (counts and
//! states), not what it says, unless the request is addressed to the governor itself.

use crate::dialogue::PartnerKind;
use crate::organisation::OrganisationKind;
use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

wire_enum! {
    /// Where a need or request stands.
    NeedStatus {
        /// Sent; the partner has not answered yet.
        Open => "open",
        /// The partner will help.
        Accepted => "accepted",
        /// The partner cannot help; the reason is recorded.
        Declined => "declined",
        /// The partner has given the help.
        Done => "done",
        /// The one who raised it took it back.
        Withdrawn => "withdrawn",
    }
}

crate::lifecycle::lifecycle!(status NeedStatus, "a collaboration need");

wire_enum! {
    /// Where a need comes from.
    NeedOrigin {
        /// Recorded by the county governor in a finding of a dialogue meeting.
        DialogueFinding => "dialogue_finding",
        /// Sent by the municipality itself.
        Request => "request",
    }
}

wire_enum! {
    /// What a partner offers with its answer.
    OfferKind {
        /// A course it organises.
        Course => "course",
        /// A place in a learning network it coordinates.
        LearningNetwork => "learning_network",
        /// A visit to the municipality.
        Visit => "visit",
        /// Advice, in text.
        Advice => "advice",
    }
}

/// The parties to a need, as far as moving it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedParty {
    /// The partner it is addressed to: it answers.
    Addressee,
    /// The one who raised it (the municipality for a request, the county governor for a need
    /// from a finding): it may withdraw it while it is pending.
    Raiser,
    /// Anyone else who sees it (the municipality of a finding's need): it follows it.
    Follower,
}

impl NeedStatus {
    /// Whether the need still waits for help.
    pub const fn is_pending(self) -> bool {
        matches!(self, NeedStatus::Open | NeedStatus::Accepted)
    }

    /// Where `party` may move a need from here. The addressee answers an open need (accepted,
    /// declined or done at once) and finishes or gives up an accepted one; the raiser withdraws
    /// a pending one. Declined, done and withdrawn are final.
    pub fn allowed_for(self, party: NeedParty) -> Vec<NeedStatus> {
        use NeedStatus as S;
        match (party, self) {
            (NeedParty::Addressee, S::Open) => vec![S::Accepted, S::Declined, S::Done],
            (NeedParty::Addressee, S::Accepted) => vec![S::Declined, S::Done],
            (NeedParty::Raiser, S::Open | S::Accepted) => vec![S::Withdrawn],
            _ => Vec::new(),
        }
    }

    /// Whether a move to this status is an answer, which the municipality is told of.
    pub const fn is_answer(self) -> bool {
        matches!(
            self,
            NeedStatus::Accepted | NeedStatus::Declined | NeedStatus::Done
        )
    }
}

impl PartnerKind {
    /// The kind of organisation a partner of this kind is.
    pub const fn organisation_kind(self) -> OrganisationKind {
        match self {
            PartnerKind::CompetenceCentre => OrganisationKind::CompetenceCentre,
            PartnerKind::UserOrganisation => OrganisationKind::UserOrganisation,
            PartnerKind::CountyGovernor => OrganisationKind::CountyGovernor,
        }
    }

    /// The kind of partner an organisation of `kind` is, if it can be one.
    pub fn of_organisation(kind: OrganisationKind) -> Option<PartnerKind> {
        PartnerKind::ALL
            .iter()
            .copied()
            .find(|partner| partner.organisation_kind() == kind)
    }
}

/// An organisation a need may be addressed to, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    /// Its id.
    pub id: Uuid,
    /// Its kind.
    pub kind: OrganisationKind,
    /// The county it covers, for a county governor.
    pub county_number: Option<String>,
}

/// Checks that `addressee` (`None`: no such organisation) can be asked for help by a
/// municipality of `county`: a competence centre, a user organisation, or that county's own
/// governor; and, when the need names a kind too, that it is of that kind. The refusal names
/// `field`.
pub fn check_addressee(
    field: &str,
    addressee: Option<&Addressee>,
    kind: Option<PartnerKind>,
    county: &str,
) -> Result<PartnerKind, FieldRefusal> {
    let Some(addressee) = addressee else {
        return Err(FieldRefusal::new(
            field,
            "not_found",
            "names no organisation",
        ));
    };
    let Some(partner) = PartnerKind::of_organisation(addressee.kind) else {
        return Err(FieldRefusal::new(
            field,
            "not_a_partner",
            format!(
                "names an organisation of kind {}: ask a competence centre, a user organisation or your county governor",
                addressee.kind
            ),
        ));
    };
    if let Some(kind) = kind.filter(|kind| *kind != partner) {
        return Err(FieldRefusal::new(
            field,
            "kind_mismatch",
            format!("names a {partner}, not a {kind}"),
        ));
    }
    if partner == PartnerKind::CountyGovernor && addressee.county_number.as_deref() != Some(county)
    {
        return Err(FieldRefusal::new(
            field,
            "other_county",
            format!("names the governor of another county than the municipality's ({county})"),
        ));
    }
    Ok(partner)
}

/// What a partner offers with its answer. (Named `NeedOffer` in the contract: a referral's
/// `Offer` is the kind of help a person is referred to.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = NeedOffer)]
pub struct Offer {
    /// What kind of help.
    pub kind: OfferKind,
    /// The course, for a course.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_id: Option<Uuid>,
    /// The learning network, for a place in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning_network_id: Option<Uuid>,
    /// What is offered, in words: required for a visit or advice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Offer {
    /// Checks that the offer carries what its kind needs, and nothing of another kind's:
    /// a course names a course, a learning network a network, a visit and advice a text.
    /// Every refusal is listed, under `offer.*`.
    pub fn check(&self) -> Vec<FieldRefusal> {
        let mut refusals = Vec::new();
        let mut expect = |field: &str, present: bool, wanted: bool| {
            if present != wanted {
                let (code, detail) = if wanted {
                    (
                        "required",
                        format!("an offer of kind {} needs it", self.kind),
                    )
                } else {
                    (
                        "not_allowed",
                        format!("an offer of kind {} does not take it", self.kind),
                    )
                };
                refusals.push(FieldRefusal::new(format!("offer.{field}"), code, detail));
            }
        };
        expect(
            "course_id",
            self.course_id.is_some(),
            self.kind == OfferKind::Course,
        );
        expect(
            "learning_network_id",
            self.learning_network_id.is_some(),
            self.kind == OfferKind::LearningNetwork,
        );
        if matches!(self.kind, OfferKind::Visit | OfferKind::Advice) {
            expect("text", self.text.is_some(), true);
        }
        refusals
    }
}

/// A need for help, addressed to one partner, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollaborationNeed {
    /// Identifier.
    pub id: Uuid,
    /// Where it comes from.
    pub origin: NeedOrigin,
    /// The municipality that needs the help.
    pub municipality_id: Uuid,
    /// The county (fylkesnummer) of that municipality: whose governor follows it.
    pub county_number: String,
    /// The dialogue meeting it was voiced at, for a need from a finding.
    pub meeting_id: Option<Uuid>,
    /// The finding it belongs to, for a need from a finding.
    pub finding_id: Option<Uuid>,
    /// The kind of partner asked.
    pub partner_kind: PartnerKind,
    /// The partner asked; `None` for a need recorded with a kind only, which no partner sees.
    pub partner_organisation_id: Option<Uuid>,
    /// What it is about, in a line.
    pub topic: Option<String>,
    /// What is needed.
    pub description: String,
    /// Where it stands.
    pub status: NeedStatus,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// What the partner offers.
    pub offer: Option<Offer>,
    /// When it was last answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Increases with every change; the `ETag`.
    pub version: i32,
    /// Raised.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::page::keyed_by!(CollaborationNeed, created_at);

/// A need as it is raised: where from, about whom, to whom and what. [`NewNeed::open`] makes it
/// an open need, unanswered, at version 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNeed {
    /// Identifier.
    pub id: Uuid,
    /// Where it comes from.
    pub origin: NeedOrigin,
    /// The municipality that needs the help.
    pub municipality_id: Uuid,
    /// That municipality's county.
    pub county_number: String,
    /// The meeting and finding, for a need from a finding.
    pub finding: Option<(Uuid, Uuid)>,
    /// The kind of partner asked.
    pub partner_kind: PartnerKind,
    /// The partner asked, when named.
    pub partner_organisation_id: Option<Uuid>,
    /// What it is about, in a line.
    pub topic: Option<String>,
    /// What is needed.
    pub description: String,
}

impl NewNeed {
    /// The need, open since `at`.
    pub fn open(self, at: DateTime<Utc>) -> CollaborationNeed {
        CollaborationNeed {
            id: self.id,
            origin: self.origin,
            municipality_id: self.municipality_id,
            county_number: self.county_number,
            meeting_id: self.finding.map(|(meeting, _)| meeting),
            finding_id: self.finding.map(|(_, finding)| finding),
            partner_kind: self.partner_kind,
            partner_organisation_id: self.partner_organisation_id,
            topic: self.topic,
            description: self.description,
            status: NeedStatus::Open,
            decline_reason: None,
            offer: None,
            answered_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }
}

impl CollaborationNeed {
    /// Whether it is addressed to `organisation`.
    pub fn is_addressed_to(&self, organisation: Uuid) -> bool {
        self.partner_organisation_id == Some(organisation)
    }
}

/// Checks what a move to `to` carries: a decline needs a reason, an offer goes only with an
/// acceptance or with done, and nothing else carries either. Every refusal is listed.
pub fn check_answer(to: NeedStatus, reason: bool, offer: Option<&Offer>) -> Vec<FieldRefusal> {
    let mut refusals = Vec::new();
    if to == NeedStatus::Declined && !reason {
        refusals.push(FieldRefusal::new(
            "reason",
            "required",
            "a decline needs a reason",
        ));
    }
    if to != NeedStatus::Declined && reason {
        refusals.push(FieldRefusal::new(
            "reason",
            "not_allowed",
            format!("only a decline takes a reason, not a move to {to}"),
        ));
    }
    match offer {
        Some(_) if !matches!(to, NeedStatus::Accepted | NeedStatus::Done) => {
            refusals.push(FieldRefusal::new(
                "offer",
                "not_allowed",
                format!("only an acceptance or done carries an offer, not a move to {to}"),
            ));
        }
        Some(offer) => refusals.extend(offer.check()),
        None => {}
    }
    refusals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::check_among;

    #[test]
    fn only_the_addressee_answers_and_only_the_raiser_withdraws() {
        use NeedStatus as S;
        assert_eq!(
            S::Open.allowed_for(NeedParty::Addressee),
            vec![S::Accepted, S::Declined, S::Done]
        );
        assert_eq!(S::Open.allowed_for(NeedParty::Raiser), vec![S::Withdrawn]);
        assert!(S::Open.allowed_for(NeedParty::Follower).is_empty());
        for last in [S::Declined, S::Done, S::Withdrawn] {
            for party in [NeedParty::Addressee, NeedParty::Raiser, NeedParty::Follower] {
                assert!(last.allowed_for(party).is_empty(), "{last} is final");
            }
        }
        let refused = check_among(
            S::Open,
            S::Withdrawn,
            &S::Open.allowed_for(NeedParty::Addressee),
        );
        assert_eq!(
            refused.map_err(|refusal| refusal.allowed),
            Err(vec!["accepted", "declined", "done"])
        );
    }

    fn addressee(kind: OrganisationKind, county: Option<&str>) -> Addressee {
        Addressee {
            id: Uuid::nil(),
            kind,
            county_number: county.map(str::to_owned),
        }
    }

    #[test]
    fn a_need_goes_to_a_partner_of_its_kind_or_to_the_municipalitys_own_governor() {
        let centre = addressee(OrganisationKind::CompetenceCentre, None);
        assert_eq!(
            check_addressee("p", Some(&centre), None, "50"),
            Ok(PartnerKind::CompetenceCentre)
        );
        let refused = |found: Option<&Addressee>, kind| {
            check_addressee("p", found, kind, "50").map_err(|refusal| refusal.code)
        };
        assert_eq!(refused(None, None), Err("not_found"));
        let municipality = addressee(OrganisationKind::Municipality, None);
        assert_eq!(refused(Some(&municipality), None), Err("not_a_partner"));
        assert_eq!(
            refused(Some(&centre), Some(PartnerKind::UserOrganisation)),
            Err("kind_mismatch")
        );
        let other_governor = addressee(OrganisationKind::CountyGovernor, Some("46"));
        assert_eq!(refused(Some(&other_governor), None), Err("other_county"));
        let own_governor = addressee(OrganisationKind::CountyGovernor, Some("50"));
        assert_eq!(
            refused(Some(&own_governor), None),
            Ok(PartnerKind::CountyGovernor)
        );
    }

    #[test]
    fn an_answer_carries_what_its_move_takes_and_every_fault_is_listed() {
        let course = Offer {
            kind: OfferKind::Course,
            course_id: None,
            learning_network_id: Some(Uuid::nil()),
            text: None,
        };
        let fields = |to, reason, offer: Option<&Offer>| -> Vec<String> {
            check_answer(to, reason, offer)
                .into_iter()
                .map(|refusal| refusal.field)
                .collect()
        };
        assert_eq!(
            fields(NeedStatus::Accepted, false, Some(&course)),
            ["offer.course_id", "offer.learning_network_id"]
        );
        assert_eq!(fields(NeedStatus::Declined, false, None), ["reason"]);
        assert_eq!(
            fields(NeedStatus::Withdrawn, true, Some(&course)),
            ["reason", "offer"]
        );
        let advice = Offer {
            kind: OfferKind::Advice,
            course_id: None,
            learning_network_id: None,
            text: Some("Bruk veilederen".into()),
        };
        assert!(fields(NeedStatus::Done, false, Some(&advice)).is_empty());
    }
}
