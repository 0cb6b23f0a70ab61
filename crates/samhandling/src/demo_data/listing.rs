//! The listing the load prints after the organisations: one line for each demo record, as it is
//! now, so that a newcomer sees what there is to try.

use super::Demo;
use samhandling_domain::course::{CourseScope, Facilitator};
use samhandling_domain::group::{CentreScope, GroupScope};
use samhandling_domain::learning_network::LearningNetworkScope;
use samhandling_domain::network_meeting::NetworkMeetingScope;
use samhandling_domain::referral::ReferralScope;
use samhandling_persistence::{self as store, PgConnection, StoreError};
use serde::Deserialize;
use serde_json::Value;
use std::fmt::Display;
use uuid::Uuid;

/// The kinds listed, in the listing's order.
const ORDER: [&str; 9] = [
    "group",
    "referral",
    "intake",
    "course",
    "facilitator",
    "network_meeting",
    "supervision_session",
    "learning_network",
    "gathering",
];

/// A line of the listing: the record's id and kind, and `state<TAB>description`.
type Line = (Uuid, &'static str, String);

/// The lines of the records the steps made (each step as `(by, op, with)`) and of Kari's
/// `links`, kind after kind: `id<TAB>kind<TAB>state<TAB>description`.
pub(super) fn lines(
    demo: &mut Demo,
    conn: &mut PgConnection,
    steps: &[(Option<Uuid>, String, Value)],
    links: &[Facilitator],
) -> Result<Vec<String>, StoreError> {
    let mut lines = Vec::new();
    for (by, op, with) in steps {
        lines.extend(line(demo, conn, *by, op, with)?);
    }
    for link in links {
        let state = pick(link.confirmed_at.is_some(), "confirmed", "pending");
        let employer = demo.name(link.employer_organisation_id);
        let about = format!("{} ({}, {employer})", link.name, link.subject);
        lines.push(row(
            link.id,
            "facilitator",
            state,
            link.competence_centre_id,
            demo,
            about,
        ));
    }
    lines.sort_by_key(|(_, kind, _)| ORDER.iter().position(|listed| listed == kind));
    let text = |(id, kind, rest): Line| format!("{id}\t{kind}\t{rest}");
    Ok(lines.into_iter().map(text).collect())
}

/// The line of the record the step `op` with the input `with` made for `by`, as it is now;
/// none when the step makes no record listed.
fn line(
    demo: &mut Demo,
    conn: &mut PgConnection,
    by: Option<Uuid>,
    op: &str,
    with: &Value,
) -> Result<Option<Line>, StoreError> {
    let id = |at| with.pointer(at).and_then(|id| Uuid::deserialize(id).ok());
    let (id, by) = (
        id("/0").or(id("/id")).unwrap_or_default(),
        by.unwrap_or_default(),
    );
    let today = demo.now.date_naive();
    Ok(match op {
        "create_group" => {
            let own = GroupScope {
                centre: Some(by),
                catalogue: false,
            };
            store::groups::find(conn, id, own)?.map(|g| {
                let about = format!(
                    "{} ({} of {} seats taken)",
                    g.title, g.member_count, g.size.maximum
                );
                row(g.id, "group", g.status, g.centre_id, demo, about)
            })
        }
        "refer" => {
            let every = ReferralScope {
                everything: true,
                ..ReferralScope::default()
            };
            store::referrals::find(conn, id, every)?.map(|r| {
                let from = r
                    .referring_organisation_id
                    .map(|id| format!("from {}", demo.name(id)));
                let from = from.unwrap_or("self-registration".into());
                let about = format!("{} ({}, {from})", r.reference, r.offer);
                row(r.id, "referral", r.status, r.target_centre_id, demo, about)
            })
        }
        "book_intake" => {
            let own = CentreScope { centre: Some(by) };
            store::intakes::find(conn, id, own)?.map(|i| {
                let outcome = i.completion.as_ref().map(|c| c.outcome.as_str());
                let pseudonym = i.completion.as_ref().and_then(|c| c.pseudonym.as_deref());
                let at = i.scheduled_at.format("%Y-%m-%d %H:%M UTC");
                let about = format!("{} ({at})", pseudonym.unwrap_or("no pseudonym"));
                row(
                    i.id,
                    "intake",
                    outcome.unwrap_or("booked"),
                    i.centre_id,
                    demo,
                    about,
                )
            })
        }
        "create_course" => {
            let own = CourseScope { centre: Some(by) };
            store::courses::find(conn, id, own)?.map(|c| {
                let held = pick(
                    c.dates.last().is_some_and(|last| *last < today),
                    "held",
                    "upcoming",
                );
                let organisers: Vec<_> = c.organisers.iter().map(|id| demo.name(*id)).collect();
                let about = format!(
                    "{}: {} ({} of {} seats taken, {} waiting)",
                    organisers.join(" and "),
                    c.title,
                    c.taken,
                    c.capacity,
                    c.waiting
                );
                (c.id, "course", format!("{held}\t{about}"))
            })
        }
        "log_meeting" => {
            let subject = with
                .pointer("/1")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let own = NetworkMeetingScope {
                facilitator: Some((by, subject.to_owned())),
                competence_centre: None,
            };
            store::network_meetings::find(conn, id, &own)?.map(|m| {
                let answered = m.supervision_answered_on.is_some();
                let wanted = pick(answered, "supervision_answered", "supervision_wanted");
                let state = pick(m.supervision_wanted, wanted, "logged");
                let (place, size) = (m.municipality_number, m.participants.size());
                let about = format!(
                    "{} in {place} ({}, {}, {size} in the network)",
                    m.held_on, m.service, m.age_group
                );
                row(
                    m.id,
                    "network_meeting",
                    state,
                    m.organisation_id,
                    demo,
                    about,
                )
            })
        }
        "record_supervision" => store::supervision::find(conn, id, by)?.map(|s| {
            let (held, answered) = (s.facilitators.len(), s.answers.len());
            let about = format!(
                "{} ({held} facilitators, {answered} requests answered)",
                s.held_on
            );
            row(
                s.id,
                "supervision_session",
                "held",
                s.competence_centre_id,
                demo,
                about,
            )
        }),
        "start_network" => {
            let own = LearningNetworkScope {
                coordinator: Some(by),
                member: None,
            };
            store::learning_networks::find(conn, id, own)?.map(|n| {
                demo.names.insert(n.id, n.name.clone());
                let state = pick(n.ends_on.is_some_and(|end| end < today), "ended", "active");
                let about = format!("{} ({} member services)", n.name, n.members.len());
                row(
                    n.id,
                    "learning_network",
                    state,
                    n.coordinating_centre_id,
                    demo,
                    about,
                )
            })
        }
        "record_gathering" => {
            let gathering = with
                .pointer("/0/1")
                .and_then(|id| Uuid::deserialize(id).ok());
            let gathering = gathering.unwrap_or_default();
            let network = with
                .pointer("/0/0")
                .and_then(|id| Uuid::deserialize(id).ok());
            store::gatherings::find(conn, network.unwrap_or_default(), gathering)?.map(|g| {
                let came: i32 = g.attendance.iter().map(|(_, n)| n).sum();
                let place = g.place.as_deref().unwrap_or("digital");
                let about = format!("{} {place} ({came} attended)", g.held_on);
                row(
                    g.id,
                    "gathering",
                    pick(g.held_on < today, "held", "planned"),
                    g.network_id,
                    demo,
                    about,
                )
            })
        }
        _ => None,
    })
}

/// `yes` if `then`, else `no`.
fn pick<'s>(then: bool, yes: &'s str, no: &'s str) -> &'s str {
    if then {
        yes
    } else {
        no
    }
}

/// The line of record `id` of `kind` in `state`, described as `owner`'s and then `about`.
fn row(
    id: Uuid,
    kind: &'static str,
    state: impl Display,
    owner: Uuid,
    demo: &Demo,
    about: String,
) -> Line {
    (id, kind, format!("{state}\t{}: {about}", demo.name(owner)))
}
