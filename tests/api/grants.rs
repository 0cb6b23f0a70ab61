//! Grants: who records, applies for and moves them, who sees them, what a funded course or
//! network shows of them, and a report whose small counts no reader can work out.

use actix_web::test::TestRequest;
use chrono::Datelike;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::groups::{candidate, day, group_body, place, recruiting_group};
use samhandling_tests::referrals::{field, Field};
use samhandling_tests::{
    authorized, created, fetched, get, ids, post, send, send_if_match, texts, App, Reply, TestApp,
};
use serde_json::{json, Value};

/// The county governor of Trøndelag (the funder), KoRus Midt with a course and a learning
/// network, KBT with a course of its own, LINK Trondheim (a centre), and a third party: the
/// governor of Vestland.
struct Funding {
    f: Field,
    governor: Organisation,
    governor_token: String,
    korus: Organisation,
    korus_token: String,
    kbt_token: String,
    member_token: String,
    verdal: Organisation,
    vestland_token: String,
}

fn funding(t: &TestApp) -> Funding {
    let f = field(t);
    let governor = t.county_governor("Statsforvalteren i Trøndelag", "50");
    let vestland = t.county_governor("Statsforvalteren i Vestland", "46");
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let kbt = t.organisation(OrganisationKind::CompetenceCentre, "KBT", None);
    let verdal = t.municipality("Verdal kommune", "5038");
    Funding {
        governor_token: t.token(governor.id, &[Role::GovernorAdviser]),
        korus_token: t.token(korus.id, &[Role::CompetenceAdviser]),
        kbt_token: t.token(kbt.id, &[Role::CompetenceAdviser]),
        member_token: t.token(verdal.id, &[Role::MunicipalContact]),
        vestland_token: t.token(vestland.id, &[Role::GovernorAdviser]),
        f,
        governor,
        korus,
        verdal,
    }
}

/// A course organised by the centre of `token`; its id.
async fn course(app: &impl App, token: &str, title: &str) -> String {
    created(
        app,
        "/api/v1/courses",
        token,
        &json!({
            "title": title, "place": "Trondheim", "dates": [day(20)], "capacity": 10,
        }),
    )
    .await
    .id()
}

/// A learning network coordinated by the centre of `token`, with Verdal's health station as a
/// member; its id.
async fn network(app: &impl App, token: &str, member: &str) -> String {
    created(
        app,
        "/api/v1/learning-networks",
        token,
        &json!({
            "name": "Familienettverket", "target_group": "Familier med rusproblemer",
            "starts_on": day(-300), "steering_group": [{"name": "KoRus Midt"}],
            "members": [{"organisation_id": member, "service": "Helsestasjonen"}],
        }),
    )
    .await
    .id()
}

fn grant_body(funder: &Organisation, recipient: &Organisation, activities: Value) -> Value {
    json!({
        "funder_organisation_id": funder.id,
        "recipient_organisation_id": recipient.id,
        "amount_nok": 100_000,
        "valid_from": day(-400),
        "valid_until": day(100),
        "purpose": "Driftsmidler resten av året",
        "activities": activities,
    })
}

/// The governor's grant to LINK Trondheim's operation, recorded.
async fn operation_grant(app: &impl App, g: &Funding) -> Reply {
    created(
        app,
        "/api/v1/grants",
        &g.governor_token,
        &grant_body(
            &g.governor,
            &g.f.centre,
            json!([{"centre_operation": true}]),
        ),
    )
    .await
}

/// Moves the grant at `uri` as `token` with `body`, with the version it reads first.
async fn move_grant(app: &impl App, uri: &str, token: &str, body: &Value) -> Reply {
    let read = fetched(app, uri, token).await;
    send_if_match(
        app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        token,
        read.header("etag"),
        body,
    )
    .await
}

/// The first day of the quarter `back` quarters before this one.
fn quarter_start(back: u32) -> chrono::NaiveDate {
    let today = chrono::Utc::now().date_naive();
    let index = today.year() * 4 + i32::try_from(today.month0() / 3).unwrap()
        - i32::try_from(back).unwrap();
    chrono::NaiveDate::from_ymd_opt(
        index.div_euclid(4),
        u32::try_from(index.rem_euclid(4)).unwrap() * 3 + 1,
        1,
    )
    .unwrap()
}

fn label(start: chrono::NaiveDate) -> String {
    format!("{}-Q{}", start.year(), start.month0() / 3 + 1)
}

/// Places `count` people in a new group of `f`'s centre, all joined on `on`.
async fn placed_on(
    t: &TestApp,
    app: &impl App,
    f: &Field,
    title: &str,
    count: usize,
    on: chrono::NaiveDate,
) {
    let body = group_body(title, "relatives");
    let group = recruiting_group(app, &f.coordinator, &body).await;
    for index in 0..count {
        let name = format!("{title}{index}");
        let intake = candidate(app, f, &name, &name).await.intake;
        let placed = place(app, &f.coordinator, &group, &intake).await;
        assert_eq!(placed.status, 201, "{}", placed.text);
    }
    let mut conn = t.database.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE memberships SET joined_at = $2::date + interval '10 days' WHERE group_id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(&group)
            .bind::<diesel::sql_types::Date, _>(on),
        &mut conn,
    )
    .unwrap();
    // The published statistics' summary counted them this quarter: as if they were `on`'s.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE group_statistics SET quarter = date_trunc('quarter', $1::date)::date \
             WHERE quarter = date_trunc('quarter', now())::date",
        )
        .bind::<diesel::sql_types::Date, _>(on),
        &mut conn,
    )
    .unwrap();
}

/// What a reader can tell of the quarter `target` of a one-row report table: every value that
/// fits all its published figures (its cells, column totals and total, with the markers' ranges).
fn feasible(table: &Value, target: usize) -> Vec<u64> {
    const HIGH: u64 = 40;
    let range = |cell: &Value| -> Vec<u64> {
        match (cell["count"].as_u64(), cell["suppressed"].as_str()) {
            (Some(count), _) => vec![count],
            (None, Some("primary")) => (1..=4).collect(),
            (None, Some("secondary")) => std::iter::once(0).chain(5..=HIGH).collect(),
            _ => (0..=HIGH).collect(),
        }
    };
    let cells = table["rows"][0]["cells"].as_array().unwrap();
    let totals = table["column_totals"].as_array().unwrap();
    // A quarter's values: those its cell and its column total both allow.
    let domains: Vec<Vec<u64>> = cells
        .iter()
        .zip(totals)
        .map(|(cell, total)| {
            let other = range(total);
            range(cell)
                .into_iter()
                .filter(|v| other.contains(v))
                .collect()
        })
        .collect();
    let total = range(&table["total"]);
    let row_total = range(&table["rows"][0]["total"]);
    let mut found = Vec::new();
    let mut choice = vec![0_usize; domains.len()];
    loop {
        let values: Vec<u64> = choice
            .iter()
            .zip(&domains)
            .map(|(at, domain)| domain[*at])
            .collect();
        let sum: u64 = values.iter().sum();
        if total.contains(&sum) && row_total.contains(&sum) && !found.contains(&values[target]) {
            found.push(values[target]);
        }
        let Some(position) = (0..domains.len()).find(|&i| choice[i] + 1 < domains[i].len()) else {
            break;
        };
        choice[position] += 1;
        for earlier in choice.iter_mut().take(position) {
            *earlier = 0;
        }
    }
    found.sort_unstable();
    found
}

#[actix_web::test]
async fn a_grant_is_invisible_to_a_third_organisation_and_its_reports_small_counts_are_protected() {
    let (t, app, g) = TestApp::started(funding).await;
    // Three people placed last quarter, six the quarter before.
    placed_on(&t, &app, &g.f, "Pårørende", 3, quarter_start(1)).await;
    placed_on(&t, &app, &g.f, "Unge voksne", 6, quarter_start(2)).await;
    let recorded = operation_grant(&app, &g).await;
    assert_eq!(recorded.body["status"], "granted");
    assert_eq!(recorded.body["amount_nok"], 100_000);
    let uri = recorded.header("location").unwrap().to_owned();
    let id = recorded.id();

    // The funder and the recipient read it and its report; the governor of another county and
    // another centre get 404, which leaves a trace, and list nothing.
    for party in [&g.governor_token, &g.f.coordinator] {
        assert_eq!(get(&app, &uri, party).await.status, 200);
        assert_eq!(get(&app, &format!("{uri}/report"), party).await.status, 200);
    }
    for stranger in [&g.vestland_token, &g.f.other_centre] {
        let denied = get(&app, &uri, stranger).await;
        denied.assert_problem(404);
        denied.assert_hides("a stranger", &["Driftsmidler"]);
        get(&app, &format!("{uri}/report"), stranger)
            .await
            .assert_problem(404);
        assert_eq!(
            ids(&get(&app, "/api/v1/grants", stranger).await.body),
            Vec::<String>::new()
        );
    }
    assert!(t.database.events("access_denied", &id) >= 4);

    let report = get(&app, &format!("{uri}/report"), &g.governor_token).await;
    let body = &report.body;
    let columns: Vec<&str> = body["people_placed"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(body["quarters_counted"], json!(columns), "{}", report.text);
    let last = columns
        .iter()
        .position(|c| *c == label(quarter_start(1)))
        .unwrap();
    let before = columns
        .iter()
        .position(|c| *c == label(quarter_start(2)))
        .unwrap();
    let table = &body["people_placed"];
    let cell = &table["rows"][0]["cells"][last];
    assert_eq!(cell["shown"], "<5", "{}", report.text);
    assert_eq!(cell["count"], Value::Null);
    // No combination of the quarters and the total pins the three: the reader is left with 1 to 4.
    assert_eq!(feasible(table, last), vec![1, 2, 3, 4], "{table}");
    // The centre's placements are shown exactly as the published group statistics show them, so
    // that a funder cannot subtract them from the public breakdowns; the total, a sum over the
    // hidden three, is withheld.
    for quarter in [last, before] {
        let year = &columns[quarter][..4];
        let public = fetched(&app,
            &format!(
                "/api/v1/statistics/groups?measure=members_placed&rows=centre&columns=quarter&year={year}&centre_id={}",
                g.f.centre.id
            ),
            &g.governor_token,).await;
        let public_table = &public.body["table"];
        let centre_row = public_table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["label"] == g.f.centre.id.to_string())
            .unwrap_or_else(|| panic!("the centre's row in {public_table}"));
        let at = public_table["columns"]
            .as_array()
            .unwrap()
            .iter()
            .position(|column| column == columns[quarter])
            .unwrap_or_else(|| panic!("{} in {public_table}", columns[quarter]));
        assert_eq!(
            table["rows"][0]["cells"][quarter]["shown"], centre_row["cells"][at]["shown"],
            "{table} against {public_table}"
        );
    }
    assert_ne!(table["rows"][0]["cells"][before]["shown"], "0", "{table}");
    assert_eq!(table["total"]["shown"], "..", "{table}");
    assert!(body["courses_held"].is_null());
    assert_eq!(
        body["groups_started"]["rows"][0]["label"],
        "centre_operation"
    );

    // The CSV says the same.
    let csv = send(
        &app,
        authorized(
            TestRequest::get().uri(&format!("{uri}/report")),
            &g.governor_token,
        )
        .insert_header(("Accept", "text/csv")),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text.contains(&format!(
            "people_placed,centre_operation,{},<5,",
            label(quarter_start(1))
        )),
        "{}",
        csv.text
    );
}

#[actix_web::test]
async fn the_funder_decides_and_pays_the_recipient_applies_withdraws_and_reports_the_end() {
    let (t, app, g) = TestApp::started(funding).await;
    // LINK Trondheim applies to the governor.
    let applied = created(
        &app,
        "/api/v1/grants",
        &g.f.coordinator,
        &grant_body(
            &g.governor,
            &g.f.centre,
            json!([{"project": "Oppsøkende arbeid blant unge voksne"}]),
        ),
    )
    .await;
    assert_eq!(applied.body["status"], "applied");
    assert_eq!(applied.body["allowed_transitions"], json!(["stopped"]));
    let uri = applied.header("location").unwrap().to_owned();
    let seen = get(&app, &uri, &g.governor_token).await;
    assert_eq!(
        seen.body["allowed_transitions"],
        json!(["granted", "stopped"])
    );

    // The recipient cannot grant itself money; a move without If-Match is 428.
    let refused = move_grant(&app, &uri, &g.f.coordinator, &json!({"to": "granted"})).await;
    assert_eq!(
        refused.assert_problem(409)["allowed_transitions"],
        json!(["stopped"])
    );
    let unconditional = send(
        &app,
        authorized(
            TestRequest::post().uri(&format!("{uri}/transitions")),
            &g.governor_token,
        )
        .set_json(json!({"to": "granted"})),
    )
    .await;
    unconditional.assert_problem(428);
    let stale = send_if_match(
        &app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        &g.governor_token,
        Some("\"7\""),
        &json!({"to": "granted"}),
    )
    .await;
    stale.assert_problem(412);

    for (who, to, allowed) in [
        (&g.governor_token, "granted", json!(["paid", "stopped"])),
        (&g.governor_token, "paid", json!(["ended", "stopped"])),
        (&g.f.coordinator, "ended", json!([])),
    ] {
        let moved = move_grant(&app, &uri, who, &json!({"to": to})).await;
        assert_eq!(moved.status, 200, "{}", moved.text);
        assert_eq!(moved.body["status"], to);
        assert_eq!(moved.body["allowed_transitions"], allowed, "{}", moved.text);
    }
    let ended = get(&app, &uri, &g.governor_token).await;
    assert_eq!(ended.body["closed_on"], day(0));
    let refused = move_grant(
        &app,
        &uri,
        &g.governor_token,
        &json!({"to": "stopped", "reason": "For sent"}),
    )
    .await;
    assert_eq!(
        refused.assert_problem(409)["allowed_transitions"],
        json!([])
    );

    // The funder records a grant of its own (granted); a stop needs a reason and is dated.
    let given = operation_grant(&app, &g).await;
    let given_uri = given.header("location").unwrap().to_owned();
    let bare = move_grant(
        &app,
        &given_uri,
        &g.governor_token,
        &json!({"to": "stopped", "on": day(5)}),
    )
    .await;
    let mut fields = texts(&bare.assert_problem(422)["errors"], "field");
    fields.sort_unstable();
    assert_eq!(fields, vec!["on", "reason"]);
    let stopped = move_grant(
        &app,
        &given_uri,
        &g.governor_token,
        &json!({"to": "stopped", "reason": "Finansieringen avsluttet", "on": day(-10)}),
    )
    .await;
    assert_eq!(stopped.status, 200, "{}", stopped.text);
    assert_eq!(stopped.body["stop_reason"], "Finansieringen avsluttet");
    assert_eq!(stopped.body["closed_on"], day(-10));

    // Each side lists its own; the filters keep a side and a status.
    let given_list = get(
        &app,
        "/api/v1/grants?role=funder&status=stopped",
        &g.governor_token,
    )
    .await;
    assert_eq!(ids(&given_list.body), vec![given.id()]);
    let received = get(&app, "/api/v1/grants?role=recipient", &g.f.coordinator).await;
    assert_eq!(ids(&received.body).len(), 2);
    assert!(t.database.events("transitioned", &applied.id()) >= 3);
}

#[actix_web::test]
async fn a_grant_lists_every_fault_and_stores_nothing() {
    let (t, app, g) = TestApp::started(funding).await;
    let korus_course = course(&app, &g.korus_token, "Nettverksmøter i praksis").await;
    let kbt_course = course(&app, &g.kbt_token, "KBT for nettverksmøter").await;
    let stranger_network = network(&app, &g.kbt_token, &g.verdal.id.to_string()).await;
    // The text types refuse first.
    let mut body = grant_body(&g.governor, &g.korus, json!([{"course_id": korus_course}]));
    body["purpose"] = json!("Til Kari 01010150074");
    let refused = post(&app, "/api/v1/grants", &g.governor_token, &body).await;
    assert_eq!(
        texts(&refused.assert_problem(422)["errors"], "field"),
        vec!["purpose"]
    );
    // A float is no amount of kroner.
    let mut body = grant_body(&g.governor, &g.korus, json!([{"course_id": korus_course}]));
    body["amount_nok"] = json!(100_000.5);
    let float = post(&app, "/api/v1/grants", &g.governor_token, &body).await;
    assert!(matches!(float.status.as_u16(), 400 | 422), "{}", float.text);
    // With the texts right, every rule across fields and records is listed at once.
    for amount in [0, -5] {
        let mut body = grant_body(
            &g.governor,
            &g.korus,
            json!([
                {"course_id": kbt_course},
                {"learning_network_id": stranger_network},
                {"course_id": korus_course, "project": "Begge deler"},
                {"centre_operation": true},
            ]),
        );
        body["amount_nok"] = json!(amount);
        body["valid_until"] = json!(day(-500));
        let refused = post(&app, "/api/v1/grants", &g.governor_token, &body).await;
        let mut fields = texts(&refused.assert_problem(422)["errors"], "field");
        fields.sort_unstable();
        assert_eq!(
            fields,
            vec![
                "activities[0].course_id",
                "activities[1].learning_network_id",
                "activities[2]",
                "activities[3].centre_operation",
                "amount_nok",
                "valid_until",
            ],
            "{}",
            refused.text
        );
    }
    // A caller records only as its own organisation's party.
    let foreign = post(
        &app,
        "/api/v1/grants",
        &g.vestland_token,
        &grant_body(&g.governor, &g.korus, json!([{"course_id": korus_course}])),
    )
    .await;
    let mut fields = texts(&foreign.assert_problem(422)["errors"], "field");
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec!["funder_organisation_id", "recipient_organisation_id"]
    );
    assert_eq!(t.database.count("SELECT count(*) AS count FROM grants"), 0);
}

#[actix_web::test]
async fn a_replayed_grant_is_recorded_once_and_its_course_and_network_show_it() {
    let (t, app, g) = TestApp::started(funding).await;
    let korus_course = course(&app, &g.korus_token, "Nettverksmøter i praksis").await;
    let network = network(&app, &g.korus_token, &g.verdal.id.to_string()).await;
    let body = grant_body(
        &g.governor,
        &g.korus,
        json!([{"course_id": korus_course}, {"learning_network_id": network}]),
    );
    let keyed = || {
        authorized(TestRequest::post().uri("/api/v1/grants"), &g.governor_token)
            .insert_header(("Idempotency-Key", "tilskudd-2027-korus"))
            .set_json(&body)
    };
    let first = send(&app, keyed()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send(&app, keyed()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.id(), first.id());
    assert_eq!(t.database.count("SELECT count(*) AS count FROM grants"), 1);

    // The course's organisers see the grant with its amount (KoRus Midt receives it).
    let course_view = fetched(
        &app,
        &format!("/api/v1/courses/{korus_course}"),
        &g.korus_token,
    )
    .await;
    assert_eq!(
        course_view.body["funding"][0]["grant_id"],
        first.id().as_str()
    );
    assert_eq!(
        course_view.body["funding"][0]["funder_organisation_id"],
        g.governor.id.to_string()
    );
    assert_eq!(course_view.body["funding"][0]["amount_nok"], 100_000);
    assert!(course_view.header("etag").is_some());
    // A member service sees that the governor funds its network, not how much.
    let network_view = fetched(
        &app,
        &format!("/api/v1/learning-networks/{network}"),
        &g.member_token,
    )
    .await;
    assert_eq!(network_view.body["view"], "member");
    assert_eq!(network_view.body["funding"][0]["status"], "granted");
    assert_eq!(network_view.body["funding"][0]["amount_nok"], Value::Null);
    // An application is no funding yet.
    created(
        &app,
        "/api/v1/grants",
        &g.korus_token,
        &grant_body(&g.governor, &g.korus, json!([{"course_id": korus_course}])),
    )
    .await;
    let course_view = get(
        &app,
        &format!("/api/v1/courses/{korus_course}"),
        &g.korus_token,
    )
    .await;
    assert_eq!(course_view.body["funding"].as_array().unwrap().len(), 1);
}
