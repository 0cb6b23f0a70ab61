//! The dialogue part's tests.

use super::*;
use samhandling_domain::dialogue::{DialogueAccess, DialogueView};
use samhandling_domain::{Caller, Role};
use samhandling_persistence::follow_up_actions;
use samhandling_tests::TestDatabase;

#[test]
fn the_trondelag_meetings_load_once_with_their_findings_and_an_overdue_action() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let first = crate::demo_data::load(&mut conn).expect("loads");
    let demo = Demo::new(&first.organisations, &samhandling_usecases::SystemClock);
    let meetings = load(&mut conn, &demo).expect("loads again");
    assert_eq!(meetings.len(), 3);
    assert_eq!(meetings[0].municipalities.len(), 4);
    assert_eq!(meetings[1].municipalities.len(), 5);
    assert_eq!(meetings[2].status, DialogueStatus::Planned);
    let governor = first
        .organisations
        .iter()
        .find(|(o, _)| o.name == "Statsforvalteren i Trøndelag")
        .map(|(o, _)| o.id)
        .expect("the governor");
    let caller = Caller {
        subject: "t".into(),
        organisation_id: governor.into(),
        roles: vec![Role::GovernorAdviser],
    };
    let access = DialogueAccess::of(&caller, Some("50".into()));
    assert_eq!(access.view_of(&meetings[0]), Some(DialogueView::Governor));
    assert_eq!(
        dialogue::findings(&mut conn, meetings[0].id, None)
            .expect("reads")
            .len(),
        4
    );
    let overdue = follow_up_actions::list(
        &mut conn,
        access.scope(),
        follow_up_actions::ActionFilter {
            overdue_on: Some(demo.today),
            meeting_id: None,
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
