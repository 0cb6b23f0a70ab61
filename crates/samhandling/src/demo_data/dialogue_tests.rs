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
