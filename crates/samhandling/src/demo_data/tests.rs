//! The demo loader's tests: what the README walks through is there, and loading again changes
//! nothing.

use super::*;
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::audit::AuditAction;
use samhandling_domain::group::GroupStatus;
use samhandling_domain::group::{CentreScope, Group, GroupScope};
use samhandling_domain::intake::{Intake, IntakeOutcome};
use samhandling_domain::organisation::{MunicipalityNumber, OrganisationNumber};
use samhandling_domain::page::{Page, Position};
use samhandling_domain::referral::Referral;
use samhandling_domain::referral::{Offer, ReferralScope, ReferralStatus, Source};
use samhandling_persistence::groups::GroupFilter;
use samhandling_persistence::intakes::IntakeFilter;
use samhandling_persistence::matching;
use samhandling_persistence::organisations::{list, OrganisationFilter};
use samhandling_persistence::referrals::ReferralFilter;
use samhandling_persistence::{
    audit, group_sessions, groups, intakes, memberships, organisations, referrals,
};
use samhandling_tests::TestDatabase;
use std::collections::BTreeSet;

/// The `KKKK` of a referral.
const REFERRAL: u32 = 2;
/// The `KKKK` of a collaboration agreement and of an outreach meeting.
const AGREEMENT: u32 = 18;
const OUTREACH: u32 = 19;

const FIRST_PAGE: PageRequest = PageRequest {
    limit: PageRequest::MAX_LIMIT,
    after: None,
};

/// Every item of a list, page after page.
fn every<T>(mut page: impl FnMut(Option<Position>) -> Page<T>) -> Vec<T> {
    let mut items = Vec::new();
    let mut after = None;
    loop {
        let next = page(after);
        items.extend(next.items);
        match next.next {
            Some(position) => after = Some(position),
            None => return items,
        }
    }
}

fn from(after: Option<Position>) -> PageRequest {
    PageRequest {
        after,
        ..FIRST_PAGE
    }
}

/// The id of the demo organisation `name`.
pub(super) fn centre_id(loaded: &Loaded, name: &str) -> Uuid {
    loaded
        .organisations
        .iter()
        .find(|(organisation, _)| organisation.name == name)
        .map(|(organisation, _)| organisation.id)
        .expect("the centre is loaded")
}

/// What a centre's coordinators see: its groups, referrals and intakes.
struct Seen {
    groups: Vec<Group>,
    referrals: Vec<Referral>,
    intakes: Vec<Intake>,
}

fn seen(conn: &mut PgConnection, centre: Uuid) -> Seen {
    let own = GroupScope {
        centre: Some(centre),
        catalogue: false,
    };
    let groups = every(|after| {
        groups::list(conn, own, &GroupFilter::default(), from(after)).expect("lists groups")
    });
    let scope = ReferralScope {
        centre: Some(centre),
        ..ReferralScope::default()
    };
    let referrals = every(|after| {
        referrals::list(conn, scope, &ReferralFilter::default(), from(after))
            .expect("lists referrals")
    });
    let scope = CentreScope {
        centre: Some(centre),
    };
    let intakes = every(|after| {
        intakes::list(conn, scope, &IntakeFilter::default(), from(after)).expect("lists intakes")
    });
    Seen {
        groups,
        referrals,
        intakes,
    }
}

fn members(conn: &mut PgConnection, group: Uuid) -> Vec<samhandling_domain::group::Membership> {
    every(|after| memberships::list_for_group(conn, group, from(after)).expect("lists members"))
}

/// How many stories the data holds.
fn stories() -> usize {
    SCRIPTS
        .iter()
        .map(|(file, text)| read::<Value>(file, text).expect("the data parses"))
        .map(|stories| stories.as_array().map_or(0, Vec::len))
        .sum()
}

fn everything() -> ReferralScope {
    ReferralScope {
        everything: true,
        ..ReferralScope::default()
    }
}

#[test]
fn loading_twice_creates_each_organisation_once() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let first = load(&mut conn).expect("loads");
    assert!(first.organisations.iter().all(|(_, created)| *created));
    let second = load(&mut conn).expect("loads again");
    assert!(second.organisations.iter().all(|(_, created)| !*created));
    let ids = |loaded: &Loaded| {
        loaded
            .organisations
            .iter()
            .map(|(o, _)| o.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&second));

    let municipalities = list(
        &mut conn,
        &OrganisationFilter {
            kind: Some(OrganisationKind::Municipality),
            ..OrganisationFilter::default()
        },
        PageRequest {
            limit: 200,
            after: None,
        },
    )
    .expect("lists");
    let numbers: Vec<&str> = municipalities
        .items
        .iter()
        .filter_map(|o| {
            o.municipality_number
                .as_ref()
                .map(MunicipalityNumber::as_str)
        })
        .collect();
    // The twelve of the dialogue meetings, the three LINK cities, and Askøy and Bjørnafjorden,
    // invited to LINK Bergen's kommunemøte.
    for number in [
        "5037", "5038", "5006", "5007", "5035", "5032", "5033", "5034", "5036", "5056", "5014",
        "5055", "5001", "4601", "0301", "4627", "4624",
    ] {
        assert!(numbers.contains(&number), "{number} missing");
    }
    assert_eq!(numbers.len(), 17);

    // Organisation numbers only where two public sources agree: Trondheim is found by its own.
    let trondheim: OrganisationNumber = "942110464".parse().expect("a valid number");
    let found = organisations::find_by_organisation_number(&mut conn, &trondheim)
        .expect("reads")
        .expect("Trondheim kommune has its number");
    assert_eq!(
        found
            .municipality_number
            .as_ref()
            .map(MunicipalityNumber::as_str),
        Some("5001")
    );
}

#[test]
fn organisations_have_fixed_ids_and_one_an_older_load_made_is_kept() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let older = OrganisationDraft {
        kind: OrganisationKind::SelfHelpCentre,
        name: "LINK Trondheim".to_owned(),
        municipality_number: None,
        county: None,
        region: None,
        county_number: None,
        organisation_number: None,
    };
    let random = Uuid::now_v7();
    organisations::insert(&mut conn, random, &older).expect("stores");
    let loaded = load_organisations(&mut conn).expect("loads");
    assert_eq!(centre_id(&loaded, "LINK Trondheim"), random);
    let operator = &loaded.organisations[0];
    assert_eq!(
        (operator.0.id, operator.1),
        (demo_id(ORGANISATION, 1), true)
    );
    assert_eq!(
        centre_id(&loaded, "Levanger kommune").to_string(),
        "de300000-0000-7000-8000-001600000002"
    );
    let kept = loaded
        .organisations
        .iter()
        .filter(|(organisation, created)| !created && organisation.id == random)
        .count();
    assert_eq!(kept, 1);
}

#[test]
fn link_trondheim_has_groups_and_referrals_at_every_status() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let centre = centre_id(&loaded, "LINK Trondheim");
    let seen = seen(&mut conn, centre);

    let group_statuses: BTreeSet<GroupStatus> = seen.groups.iter().map(|g| g.status).collect();
    for status in GroupStatus::ALL {
        assert!(group_statuses.contains(status), "no {status} group");
    }
    let referral_statuses: BTreeSet<ReferralStatus> =
        seen.referrals.iter().map(|r| r.status).collect();
    for status in ReferralStatus::ALL {
        assert!(referral_statuses.contains(status), "no {status} referral");
    }
    assert!(seen
        .referrals
        .iter()
        .any(|r| r.source == Source::SelfRegistration));
    let expired = seen
        .referrals
        .iter()
        .find(|r| r.status == ReferralStatus::Expired)
        .expect("an expired referral");
    assert!(expired.erased_at.is_some(), "the sweep erases what expires");

    // Each referral gets the feedback its municipality agreed on with the centre: Stjørdal
    // detailed, Levanger coarse, Selbu none, and Frosta, without an agreement, the receipt only.
    for (municipality, agreed) in [
        ("Stjørdal kommune", FeedbackLevel::Detailed),
        ("Levanger kommune", FeedbackLevel::Coarse),
        ("Selbu kommune", FeedbackLevel::None),
        ("Frosta kommune", FeedbackLevel::None),
    ] {
        let referrer = centre_id(&loaded, municipality);
        let theirs: Vec<_> = seen
            .referrals
            .iter()
            .filter(|r| r.referring_organisation_id == Some(referrer))
            .collect();
        assert!(!theirs.is_empty(), "{municipality} referred nobody");
        for referral in theirs {
            assert_eq!(referral.agreed_feedback, agreed, "{municipality}");
        }
    }

    // Intakes: booked, and held with every outcome.
    assert!(seen.intakes.iter().any(|i| i.completion.is_none()));
    for outcome in IntakeOutcome::ALL {
        assert!(
            seen.intakes
                .iter()
                .any(|i| i.completion.as_ref().map(|c| c.outcome) == Some(*outcome)),
            "no intake concluded {outcome}"
        );
    }
    for intake in &seen.intakes {
        let referral = referrals::find(&mut conn, intake.referral_id, everything())
            .expect("finds")
            .expect("every intake has its referral");
        assert_eq!(referral.target_centre_id, intake.centre_id);
        assert_eq!(referral.offer, Offer::SelfHelpGroup);
        if let Some(completion) = &intake.completion {
            assert_eq!(completion.check(), Ok(()), "intake {}", intake.id);
            assert!(!matches!(
                referral.status,
                ReferralStatus::IntakeScheduled
                    | ReferralStatus::Contacted
                    | ReferralStatus::Received
                    | ReferralStatus::Submitted
            ));
        } else {
            assert_eq!(referral.status, ReferralStatus::IntakeScheduled);
        }
    }
}

#[test]
fn members_are_counted_placed_and_known_by_their_intake_pseudonym() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let centre = centre_id(&loaded, "LINK Trondheim");
    let seen = seen(&mut conn, centre);
    let scope = CentreScope {
        centre: Some(centre),
    };
    let (mut signed, mut left, mut aliases) = (0, 0, 0);
    let mut placed_with_a_place = BTreeSet::new();
    for group in &seen.groups {
        let members = members(&mut conn, group.id);
        let active = members.iter().filter(|m| m.left_at.is_none()).count();
        assert_eq!(
            usize::try_from(group.member_count).expect("a count"),
            active,
            "{}",
            group.title
        );
        if group.status == GroupStatus::Ended {
            assert_eq!(active, 0, "an ended group's members have left");
        }
        if group.status.has_started() {
            assert!(active >= usize::try_from(group.size.minimum).expect("a size"));
        }
        for membership in &members {
            let referral_id = membership.referral_id.expect("not erased");
            let referral = referrals::find(&mut conn, referral_id, everything())
                .expect("finds")
                .expect("the member's referral");
            assert!(
                matches!(
                    referral.status,
                    ReferralStatus::Placed | ReferralStatus::Closed
                ),
                "a member's referral is {}",
                referral.status
            );
            if membership.left_at.is_none() {
                placed_with_a_place.insert(referral_id);
            } else {
                left += 1;
                assert!(membership.leave_reason.is_some());
            }
            let intake = intakes::find(&mut conn, membership.intake_id.expect("not erased"), scope)
                .expect("finds")
                .expect("the member's intake is the centre's");
            let completion = intake.completion.expect("held");
            assert!(completion.outcome.wants_a_group());
            assert_eq!(completion.pseudonym, membership.pseudonym);
            let pseudonym = membership.pseudonym.as_deref().expect("a pseudonym");
            let person = referrals::read(&mut conn, referral_id, everything())
                .expect("reads")
                .and_then(|full| full.person)
                .expect("the person");
            if person.given_name != pseudonym {
                aliases += 1;
            }
            if membership.confidentiality_signed_at.is_some() {
                signed += 1;
            }
        }
    }
    assert!(signed > 0 && left > 0 && aliases > 0);
    // Every placed referral holds a place.
    for referral in seen
        .referrals
        .iter()
        .filter(|r| r.status == ReferralStatus::Placed)
    {
        assert!(placed_with_a_place.contains(&referral.id));
        assert!(memberships::has_place(&mut conn, referral.id).expect("asks"));
    }

    // Starters, follow-ups with and without a visit, sessions held and cancelled.
    let mut visited = (false, false);
    let (mut held, mut cancelled, mut starters) = (false, false, 0);
    for group in &seen.groups {
        starters += groups::starters(&mut conn, group.id)
            .expect("starters")
            .len();
        for follow_up in groups::follow_ups(&mut conn, group.id).expect("follow-ups") {
            if follow_up.visited_on.is_some() {
                visited.0 = true;
            } else {
                visited.1 = true;
            }
        }
        let sessions = every(|after| {
            group_sessions::list_for_group(&mut conn, group.id, from(after)).expect("sessions")
        });
        for session in sessions {
            assert!(session.present.unwrap_or(0) <= group.size.maximum);
            held |= session.held;
            cancelled |= !session.held;
        }
    }
    assert!(starters > 0 && held && cancelled && visited == (true, true));
}

#[test]
fn the_walkthrough_intake_finds_the_recruiting_group_first() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let centre = centre_id(&loaded, "LINK Trondheim");
    let (intake, group) = walkthrough();
    let suggested = matching::suggested_groups(&mut conn, intake, centre, 5).expect("ranks");
    let best = suggested.first().expect("a suggestion");
    assert_eq!(best.group.id, group);
    assert_eq!(best.group.status, GroupStatus::Recruiting);
    assert!(best.group.open_seats() > 0);
    assert!(best.criteria.theme);

    // Her referral walked every step, each audited as the centre's.
    let full = referrals::read(
        &mut conn,
        demo_id(REFERRAL, WALKTHROUGH_INTAKE),
        everything(),
    )
    .expect("reads")
    .expect("her referral");
    let path: Vec<ReferralStatus> = full.history.iter().map(|step| step.to_status).collect();
    assert_eq!(
        path,
        [
            ReferralStatus::Submitted,
            ReferralStatus::Received,
            ReferralStatus::Contacted,
            ReferralStatus::IntakeScheduled,
            ReferralStatus::IntakeCompleted,
            ReferralStatus::WaitingForGroup,
        ]
    );
    assert!(full.history[1..]
        .iter()
        .all(|step| step.actor_organisation_id == Some(centre)));
    let events = audit::list(
        &mut conn,
        &AuditFilter {
            resource_id: Some(full.referral.id),
            ..AuditFilter::default()
        },
        FIRST_PAGE,
    )
    .expect("lists events");
    let moves = events
        .items
        .iter()
        .filter(|event| event.action == AuditAction::Transitioned)
        .count();
    assert_eq!(moves, path.len() - 1);
    assert!(events.items.iter().all(|event| event.actor == ACTOR));
}

#[test]
fn loading_twice_duplicates_nothing() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let count_events = |conn: &mut PgConnection| {
        every(|after| {
            audit::list(conn, &AuditFilter::default(), from(after)).expect("lists events")
        })
        .len()
    };
    let first = load(&mut conn).expect("loads");
    assert_eq!(first.present, 0);
    assert_eq!(first.created, stories());
    let centre = centre_id(&first, "LINK Trondheim");
    let before = seen(&mut conn, centre);
    let members_before: usize = before
        .groups
        .iter()
        .map(|group| members(&mut conn, group.id).len())
        .sum();
    let events_before = count_events(&mut conn);

    let second = load(&mut conn).expect("loads again");
    assert_eq!(second.created, 0);
    assert_eq!(second.present, stories());
    assert_eq!(first.lines, second.lines);
    let after = seen(&mut conn, centre);
    let ids = |seen: &Seen| {
        (
            seen.groups
                .iter()
                .map(|g| (g.id, g.version))
                .collect::<Vec<_>>(),
            seen.referrals
                .iter()
                .map(|r| (r.id, r.version))
                .collect::<Vec<_>>(),
            seen.intakes
                .iter()
                .map(|i| (i.id, i.version))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(ids(&before), ids(&after));
    let members_after: usize = after
        .groups
        .iter()
        .map(|group| members(&mut conn, group.id).len())
        .sum();
    assert_eq!(members_before, members_after);
    assert_eq!(
        events_before,
        count_events(&mut conn),
        "nothing new to audit"
    );
}

#[test]
fn the_organisations_alone_leave_the_centres_without_work() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load_organisations(&mut conn).expect("loads");
    assert!(loaded.lines.is_empty());
    let centre = centre_id(&loaded, "LINK Trondheim");
    let seen = seen(&mut conn, centre);
    assert!(seen.groups.is_empty() && seen.referrals.is_empty() && seen.intakes.is_empty());
    // The living part can follow later, on the same organisations.
    let full = load(&mut conn).expect("loads the rest");
    assert!(full.organisations.iter().all(|(_, created)| !*created));
    assert_eq!(full.created, stories());
}

#[test]
fn link_bergens_kommunemote_is_held_and_followed_up() {
    use samhandling_domain::outreach::{OutreachOutcome, OutreachScope, OutreachStatus};
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let (centre, bergen, nav) = (
        centre_id(&loaded, "LINK Bergen og omegn"),
        centre_id(&loaded, "Bergen kommune"),
        centre_id(&loaded, "NAV Årstad"),
    );
    let id = demo_id(OUTREACH, 1);
    let organiser = OutreachScope {
        organisation: centre,
        organiser: true,
        invited: false,
    };
    let meeting = store::outreach::find(&mut conn, id, organiser)
        .expect("reads")
        .expect("the kommunemøte");
    assert_eq!(meeting.status, OutreachStatus::Held);
    assert_eq!(meeting.programme.len(), 6);
    let outcomes: Vec<_> = meeting
        .invitations
        .iter()
        .filter_map(|invitation| invitation.follow_up.as_ref().map(|f| f.outcome))
        .collect();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.contains(&OutreachOutcome::NotNow));
    let of = |organisation: Uuid| {
        meeting
            .invitations
            .iter()
            .find(|invitation| invitation.organisation_id == organisation)
            .and_then(|invitation| invitation.follow_up.clone())
            .expect("a follow-up")
    };
    assert_eq!(of(bergen).outcome, OutreachOutcome::Interested);
    assert_eq!(of(nav).agreement_id, Some(demo_id(AGREEMENT, 7)));
    // Bergen sees its own invitation only.
    let invited = OutreachScope {
        organisation: bergen,
        organiser: false,
        invited: true,
    };
    let seen = store::outreach::find(&mut conn, id, invited)
        .expect("reads")
        .expect("Bergen is invited");
    assert_eq!(seen.invitations.len(), 1);
}

#[test]
fn the_demo_funds_the_courses_link_trondheim_and_familienettverket_until_its_funding_stopped() {
    use samhandling_domain::grant::{GrantScope, GrantStatus};
    use samhandling_persistence::grants;
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let grant = |number: u32| {
        demo_id(
            KINDS
                .split_whitespace()
                .count()
                .try_into()
                .expect("few kinds"),
            number,
        )
    };
    let funder = |name: &str| GrantScope {
        funder: Some(centre_id(&loaded, name)),
        recipient: None,
    };
    let course_grant = grants::find(&mut conn, grant(1), funder("Statsforvalteren i Trøndelag"))
        .expect("reads")
        .expect("the governor funds the courses");
    assert_eq!(course_grant.amount_nok, 100_000);
    assert_eq!(course_grant.status, GrantStatus::Paid);
    let family = grants::find(&mut conn, grant(3), funder("Helse Sør-Øst RHF"))
        .expect("reads")
        .expect("Helse Sør-Øst funded Familienettverket");
    assert_eq!(family.status, GrantStatus::Stopped);
    assert_eq!(
        family.closed_on.map(|day| day.to_string()),
        Some("2019-03-31".to_owned())
    );
    // The grant is no one else's to see.
    let outsider = grants::find(&mut conn, grant(3), funder("Statsforvalteren i Trøndelag"));
    assert_eq!(outsider.expect("reads"), None);
}
