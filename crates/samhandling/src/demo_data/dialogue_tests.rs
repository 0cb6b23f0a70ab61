//! The dialogue part's tests.

use super::*;
use samhandling_domain::dialogue::DialogueStatus;
use samhandling_domain::dialogue::{DialogueAccess, DialogueScope, DialogueView};
use samhandling_domain::Caller;
use samhandling_persistence::{dialogue, follow_up_actions, is24};
use samhandling_tests::TestDatabase;

/// The `KKKK` of a dialogue meeting.
const MEETING: u32 = 8;

#[test]
fn the_trondelag_meetings_load_once_with_their_findings_and_an_overdue_action() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let first = load(&mut conn).expect("loads");
    assert_eq!(load(&mut conn).expect("loads again").created, 0);
    let governor = first
        .organisations
        .iter()
        .find(|(o, _)| o.name == "Statsforvalteren i Trøndelag")
        .map(|(o, _)| o.id)
        .expect("the governor");
    let scope = DialogueScope {
        governor: Some(governor),
        municipality: None,
        partner: None,
    };
    let meetings: Vec<_> = (1..=3)
        .map(|number| dialogue::find(&mut conn, demo_id(MEETING, number), scope))
        .map(|found| found.expect("reads").expect("the meeting"))
        .collect();
    assert_eq!(meetings[0].municipalities.len(), 4);
    assert_eq!(meetings[1].municipalities.len(), 5);
    assert_eq!(meetings[2].status, DialogueStatus::Planned);
    let caller = Caller {
        subject: "t".into(),
        organisation_id: governor.into(),
        roles: vec![Role::GovernorAdviser],
    };
    let access = DialogueAccess::of(&caller, Some("50".into()));
    assert_eq!(access.view_of(&meetings[0]), Some(DialogueView::Governor));
    assert_eq!(
        dialogue::findings(&mut conn, meetings[0].id, dialogue::FindingsOf::All)
            .expect("reads")
            .len(),
        4
    );
    let overdue = follow_up_actions::list(
        &mut conn,
        access.scope(),
        follow_up_actions::ActionFilter {
            overdue_on: Some(chrono::Utc::now().date_naive()),
            ..follow_up_actions::ActionFilter::default()
        },
        samhandling_domain::page::PageRequest {
            limit: 50,
            after: None,
        },
    )
    .expect("lists");
    assert_eq!(overdue.items.len(), 1, "Levanger's plan is late");
    assert_eq!(
        is24::basis(&mut conn, meetings[0].id, None)
            .expect("reads")
            .len(),
        5
    );
}

#[test]
fn the_innherred_and_namdal_needs_reach_their_partners_and_trondelag_has_its_overview() {
    use samhandling_domain::coordination::{NeedOrigin, NeedStatus, OfferKind};
    use samhandling_domain::dialogue::RiskLevel;
    use samhandling_usecases::coordination::{list_needs, NeedFilter};
    use samhandling_usecases::picture::{county_overview, OverviewOrder};
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let caller = |name: &str, role| {
        let organisation = loaded
            .organisations
            .iter()
            .find(|(o, _)| o.name.starts_with(name))
            .map_or_else(|| panic!("{name} is in the demo"), |(o, _)| o.id);
        Caller {
            subject: "t".into(),
            organisation_id: organisation.into(),
            roles: vec![role],
        }
    };
    let statuses = |who: &Caller| {
        let (_, page) =
            list_needs(&mut database.connect(), who, &NeedFilter::default(), ALL).expect("lists");
        page.items
            .into_iter()
            .map(|need| (need.origin, need.status, need.offer.map(|offer| offer.kind)))
            .collect::<Vec<_>>()
    };
    let korus = statuses(&caller("KoRus Midt", Role::CompetenceAdviser));
    assert_eq!(korus.len(), 2, "Levanger's and Steinkjer's: {korus:?}");
    assert!(korus.contains(&(
        NeedOrigin::DialogueFinding,
        NeedStatus::Accepted,
        Some(OfferKind::Course)
    )));
    assert!(korus.contains(&(NeedOrigin::DialogueFinding, NeedStatus::Open, None)));
    let napha = statuses(&caller("NAPHA", Role::CompetenceAdviser));
    assert!(
        napha.contains(&(NeedOrigin::Request, NeedStatus::Open, None)),
        "Verdal's request"
    );
    assert!(napha.contains(&(
        NeedOrigin::DialogueFinding,
        NeedStatus::Done,
        Some(OfferKind::Advice)
    )));
    let mental_helse = statuses(&caller("Mental Helse", Role::Facilitator));
    assert_eq!(
        mental_helse.len(),
        2,
        "Verdal's and Stjørdal's: {mental_helse:?}"
    );

    let governor = caller("Statsforvalteren i Trøndelag", Role::GovernorAdviser);
    let today = chrono::Utc::now().date_naive();
    let overview = county_overview(
        &mut conn,
        &governor,
        "50",
        (2026, today),
        OverviewOrder::Risk,
    )
    .expect("reads")
    .expect("the governor's own county");
    assert_eq!(
        overview.municipalities.len(),
        13,
        "the twelve of the meetings and Trondheim"
    );
    let top = &overview.municipalities[0];
    assert_eq!(
        (top.name.as_str(), top.risk),
        ("Namsos kommune", Some(RiskLevel::High))
    );
    assert_eq!(
        top.pending_needs, 1,
        "its need to the governor; NAPHA's is done"
    );
    let levanger = overview
        .municipalities
        .iter()
        .find(|row| row.name == "Levanger kommune")
        .expect("Levanger");
    assert_eq!((levanger.pending_needs, levanger.overdue_actions), (1, 1));
}
