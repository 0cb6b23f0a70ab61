//! The listing the load prints after the organisations: one line for each demo record, as it is
//! now, so that a newcomer sees what there is to try.

use super::{Demo, DemoError};
use samhandling_domain::course::{CourseScope, Facilitator};
use samhandling_domain::group::{CentreScope, GroupScope};
use samhandling_domain::learning_network::{LearningNetwork, LearningNetworkScope};
use samhandling_domain::network_meeting::NetworkMeetingScope;
use samhandling_domain::outreach::OutreachScope;
use samhandling_domain::referral::ReferralScope;
use samhandling_persistence::{self as store, PgConnection};
use serde_json::Value;
use uuid::Uuid;

/// Declares [`listing`]: the steps whose record the load lists, each with the rank of its kind
/// in the listing, what it reads of the step's input, how the record is found now, and its
/// kind, state and description.
macro_rules! listing {
    (|$conn:ident, $by:ident, $name:ident, $today:ident|
        $($rank:literal $op:literal $made:pat = $input:ty =>
        $found:expr, |$r:ident| $kind:literal, $state:expr, $about:expr;)*) => {
        /// The listing's line of the record the step `op` (with the input `with`, acting for
        /// `by`) made, as it is now, after its rank.
        pub(super) fn listing(demo: &Demo, $conn: &mut PgConnection, $by: Option<Uuid>, op: &str,
            with: &Value) -> Listed {
            let ($name, $today) = (|id| demo.name(id), demo.now.date_naive());
            let read = |error: serde_json::Error| DemoError::Data(format!("{op}: {error}"));
            Ok(match op {
                $($op => match serde_json::from_value::<$input>(with.clone()).map_err(read)? {
                    $made => $found.map(|$r| ($rank, row($r.id, $kind, $state, $about))),
                },)*
                _ => None,
            })
        }
    };
}

/// A line of the listing, if the step made a record it lists, after the rank of its kind.
type Listed = Result<Option<(u8, String)>, DemoError>;

/// `yes` if `then`, else `no`.
fn pick<'s>(then: bool, yes: &'s str, no: &'s str) -> &'s str {
    if then {
        yes
    } else {
        no
    }
}

/// One line of the listing: `id<TAB>kind<TAB>state<TAB>description`.
fn row(id: Uuid, kind: &str, state: impl std::fmt::Display, about: String) -> String {
    format!("{id}\t{kind}\t{state}\t{about}")
}

listing! { |conn, by, name, today|
    0 "create_group" (id, _) = (Uuid, Value) =>
        store::groups::find(conn, id, GroupScope { centre: by, catalogue: false })?,
        |g| "group", g.status, format!("{}: {} ({} of {} seats taken)", name(g.centre_id),
        g.title, g.member_count, g.size.maximum);
    1 "refer" (id, _, _) = (Uuid, Value, Value) => store::referrals::find(conn, id,
        ReferralScope { everything: true, ..ReferralScope::default() })?,
        |r| "referral", r.status, format!("{}: {} ({}, {})", name(r.target_centre_id),
        r.reference, r.offer, r.referring_organisation_id
        .map_or("self-registration".into(), |id| format!("from {}", name(id))));
    2 "book_intake" (id, _) = (Uuid, Value) =>
        store::intakes::find(conn, id, CentreScope { centre: by })?,
        |i| "intake", i.completion.as_ref().map_or("booked", |c| c.outcome.as_str()),
        format!("{}: {} ({})", name(i.centre_id), i.completion.and_then(|c| c.pseudonym)
        .as_deref().unwrap_or("no pseudonym"), i.scheduled_at.format("%Y-%m-%d %H:%M UTC"));
    3 "create_course" (id, _) = (Uuid, Value) =>
        store::courses::find(conn, id, CourseScope { centre: by })?,
        |c| "course", pick(c.dates.last().is_some_and(|last| *last < today), "held", "upcoming"),
        format!("{}: {} ({} of {} seats taken, {} waiting)", c.organisers.iter()
        .map(|id| name(*id)).collect::<Vec<_>>().join(" and "), c.title, c.taken, c.capacity,
        c.waiting);
    5 "log_meeting" (id, subject, _) = (Uuid, String, Value) =>
        store::network_meetings::find(conn, id, &NetworkMeetingScope {
        facilitator: Some((by.unwrap_or_default(), subject)), competence_centre: None })?,
        |m| "network_meeting", pick(m.supervision_wanted, pick(m.supervision_answered_on
        .is_some(), "supervision_answered", "supervision_wanted"), "logged"),
        format!("{}: {} in {} ({}, {}, {} in the network)", name(m.organisation_id), m.held_on,
        m.municipality_number, m.service, m.age_group, m.participants.size());
    6 "record_supervision" (id, _, _) = (Uuid, Value, Value) =>
        store::supervision::find(conn, id, by.unwrap_or_default())?,
        |s| "supervision_session", "held", format!("{}: {} ({} facilitators, {} requests \
        answered)", name(s.competence_centre_id), s.held_on, s.facilitators.len(), s.answers.len());
    7 "start_network" n = LearningNetwork => store::learning_networks::find(conn, n.id, LearningNetworkScope {
        coordinator: n.coordinators.first().copied(), member: None })?,
        |n| "learning_network", pick(n.ends_on.is_some_and(|end| end < today), "ended", "active"),
        format!("{}: {} ({} member services)", name(n.coordinators.first().copied().unwrap_or_default()), n.name,
        n.members.len());
    8 "record_gathering" ((network, id), _) = ((Uuid, Uuid), Value) =>
        store::gatherings::find(conn, network, id)?,
        |g| "gathering", pick(g.held_on < today, "held", "planned"), format!("{}: {} {} ({} \
        attended)", name(g.network_id), g.held_on, g.place.as_deref().unwrap_or("digital"),
        g.attendance.iter().map(|(_, n)| n).sum::<i32>());
    9 "plan_outreach_meeting" (id, _) = (Uuid, Value) => store::outreach::find(conn, id, OutreachScope {
        organisation: by.unwrap_or_default(), organiser: true, invited: false })?,
        |m| "outreach_meeting", m.status, format!("{}: {} {} ({} invited, {} present, {} followed \
        up)", name(m.organiser_id), m.title, m.held_on, m.invitations.len(), m.invitations.iter()
        .filter(|i| i.present).count(), m.invitations.iter().filter(|i| i.follow_up.is_some()).count());
}

/// The listing's line of a link of the facilitator the README names, after its rank.
pub(super) fn facilitator(demo: &Demo, link: &Facilitator) -> (u8, String) {
    let state = pick(link.confirmed_at.is_some(), "confirmed", "pending");
    let (centre, employer) = (
        demo.name(link.competence_centre_id),
        demo.name(link.employer_organisation_id),
    );
    let about = format!("{centre}: {} ({}, {employer})", link.name, link.subject);
    (4, row(link.id, "facilitator", state, about))
}
