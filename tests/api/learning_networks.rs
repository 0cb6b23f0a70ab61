//! Learning networks: NK TSB coordinates Familienettverket with services of Stjørdal and Malvik;
//! the members' contacts read it and record their own services' attendance at its gatherings,
//! everyone else gets 404; statistics of gatherings and of network meetings are suppressed.

use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::{
    assert_not_found, authorized, created, fetched, get, post, send, send_if_match,
    tables_containing, texts, App, TestApp,
};
use serde_json::{json, Value};

/// The coordinating centre, two member municipalities, an outside municipality and another
/// centre, with their tokens.
struct Familienettverket {
    coordinator: String,
    stjordal: Organisation,
    stjordal_contact: String,
    malvik: Organisation,
    malvik_contact: String,
    oslo_contact: String,
    other_centre: String,
}

fn familienettverket(t: &TestApp) -> Familienettverket {
    let nk_tsb = t.organisation(OrganisationKind::CompetenceCentre, "NK TSB", None);
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Øst", None);
    let stjordal = t.municipality("Stjørdal kommune", "5035");
    let malvik = t.municipality("Malvik kommune", "5031");
    let oslo = t.municipality("Oslo kommune", "0301");
    Familienettverket {
        coordinator: t.token_as(
            "radgiver@nktsb.example",
            nk_tsb.id,
            &[Role::CompetenceAdviser],
        ),
        stjordal_contact: t.token_as(
            "kontakt@stjordal.example",
            stjordal.id,
            &[Role::MunicipalContact],
        ),
        malvik_contact: t.token_as(
            "kontakt@malvik.example",
            malvik.id,
            &[Role::MunicipalContact],
        ),
        oslo_contact: t.token_as("kontakt@oslo.example", oslo.id, &[Role::MunicipalContact]),
        other_centre: t.token_as(
            "radgiver@korus.example",
            korus.id,
            &[Role::CompetenceAdviser],
        ),
        stjordal,
        malvik,
    }
}

/// An audit event, read with SQL.
#[derive(diesel::QueryableByName, Debug, PartialEq)]
struct Event {
    #[diesel(sql_type = diesel::sql_types::Text)]
    actor: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    resource_type: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    resource_id: uuid::Uuid,
}

fn network_body(f: &Familienettverket) -> Value {
    json!({
        "name": "Familienettverket",
        "target_group": "Tjenester til gravide og familier med små barn der foreldrene har rusproblemer",
        "starts_on": "2026-01-15",
        "ends_on": "2028-12-31",
        "steering_group": [
            {"name": "ProLAR", "user_organisation": true},
            {"name": "BAR", "user_organisation": true},
            {"name": "NUBS", "user_organisation": true},
            {"name": "NK TSB"}
        ],
        "members": [
            {"organisation_id": f.stjordal.id, "service": "Jordmortjenesten"},
            {"organisation_id": f.stjordal.id, "service": "Helsestasjonen"},
            {"organisation_id": f.malvik.id, "service": "Helsestasjonen"}
        ]
    })
}

/// The created network's id and its member ids by `<organisation>:<service>` order of creation.
struct Network {
    id: String,
    members: Vec<String>,
}

async fn created_network(app: &impl App, f: &Familienettverket) -> Network {
    let created = created(
        app,
        "/api/v1/learning-networks",
        &f.coordinator,
        &network_body(f),
    )
    .await;
    assert_eq!(created.body["view"], "coordinator");
    assert_eq!(created.header("etag"), Some("\"1\""));
    Network {
        id: created.body["id"].as_str().unwrap().to_owned(),
        members: created.body["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|member| member["id"].as_str().unwrap().to_owned())
            .collect(),
    }
}

fn gathering_body(held_on: &str, by_user_representative: bool) -> Value {
    json!({
        "held_on": held_on,
        "place": "Værnes",
        "programme": [
            {"title": "Samarbeid med barnevernet", "presenter_organisation": "Stjørdal kommune"},
            {"title": "Erfaringer fra en forelder i LAR", "presenter_organisation": "ProLAR",
             "by_user_representative": by_user_representative}
        ],
        "evaluation": {"respondents": 24, "average_rating": 4.4},
        "highlights": ["Nyttig å høre hvordan nabokommunene organiserer oppfølgingen"]
    })
}

/// Records a gathering; returns its id and ETag.
async fn created_gathering(
    app: &impl App,
    f: &Familienettverket,
    network: &str,
    body: &Value,
) -> (String, String) {
    let created = created(
        app,
        &format!("/api/v1/learning-networks/{network}/gatherings"),
        &f.coordinator,
        body,
    )
    .await;
    (
        created.body["id"].as_str().unwrap().to_owned(),
        created.header("etag").unwrap().to_owned(),
    )
}

fn attendance_uri(network: &str, gathering: &str, member: &str) -> String {
    format!("/api/v1/learning-networks/{network}/gatherings/{gathering}/attendance/{member}")
}

/// Records `attendees` at the attendance `uri` as `token`, with `If-Match: etag` when there is
/// one; returns the answer, whatever it is.
async fn attend(
    app: &impl App,
    uri: &str,
    token: &str,
    etag: Option<&str>,
    attendees: i64,
) -> samhandling_tests::Reply {
    let body = json!({ "attendees": attendees });
    send_if_match(app, TestRequest::put().uri(uri), token, etag, &body).await
}

#[actix_web::test]
async fn a_network_with_two_gatherings_reports_attendance_per_member_service() {
    let (_t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let [jordmor, stjordal_helsestasjon, malvik_helsestasjon] = &network.members[..] else {
        panic!("three members")
    };
    for (held_on, counts) in [("2026-03-10", [12, 3, 8]), ("2026-09-22", [9, 7, 6])] {
        let (gathering, mut etag) =
            created_gathering(&app, &f, &network.id, &gathering_body(held_on, true)).await;
        for (member, attendees) in [jordmor, stjordal_helsestasjon, malvik_helsestasjon]
            .into_iter()
            .zip(counts)
        {
            let recorded = attend(
                &app,
                &attendance_uri(&network.id, &gathering, member),
                &f.coordinator,
                Some(&etag),
                attendees,
            )
            .await;
            assert_eq!(recorded.status, 200, "{}", recorded.text);
            etag = recorded.header("etag").unwrap().to_owned();
        }
        let read = fetched(
            &app,
            &format!(
                "/api/v1/learning-networks/{}/gatherings/{gathering}",
                network.id
            ),
            &f.coordinator,
        )
        .await;
        assert_eq!(read.header("etag"), Some(etag.as_str()));
        assert_eq!(read.body["version"], 4);
        assert_eq!(read.body["user_involvement"], true);
        assert_eq!(read.body["evaluation"]["respondents"], 24);
        let attendance = read.body["attendance"].as_array().unwrap();
        assert_eq!(attendance.len(), 3);
        assert_eq!(attendance[0]["member_id"], jordmor.as_str());
        assert_eq!(attendance[0]["service"], "Jordmortjenesten");
        assert_eq!(attendance[0]["attendees"], counts[0]);
    }

    let listed = fetched(
        &app,
        &format!("/api/v1/learning-networks/{}/gatherings", network.id),
        &f.stjordal_contact,
    )
    .await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);

    let stats = fetched(
        &app,
        &format!(
            "/api/v1/statistics/learning-networks?learning_network_id={}",
            network.id
        ),
        &f.stjordal_contact,
    )
    .await;
    // A network's name and member services are its own: outside it the statistics hold nothing.
    for outsider in [&f.oslo_contact, &f.other_centre] {
        let outside = fetched(&app, "/api/v1/statistics/learning-networks", outsider).await;
        assert_eq!(outside.body["networks"], json!([]), "{}", outside.text);
        assert!(!outside.text.contains("Familienettverket"));
    }
    let networks = stats.body["networks"].as_array().unwrap();
    assert_eq!(networks.len(), 1);
    let figures = &networks[0];
    assert_eq!(figures["name"], "Familienettverket");
    assert_eq!(figures["gatherings_held"], 2);
    // Two gatherings are too few for a share.
    assert_eq!(figures["user_involvement_share"], Value::Null);
    let table = &figures["attendance"];
    assert_eq!(table["columns"], json!(["2026-03-10", "2026-09-22"]));
    let rows = table["rows"].as_array().unwrap();
    let labels = texts(&table["rows"], "label");
    assert_eq!(
        labels,
        [
            "Malvik kommune: Helsestasjonen",
            "Stjørdal kommune: Helsestasjonen",
            "Stjørdal kommune: Jordmortjenesten"
        ]
    );
    // Stjørdal's health station brought 3 to the first gathering: too few to show.
    let small = &rows[1]["cells"][0];
    assert_eq!(small["shown"], "<5");
    assert_eq!(small["count"], Value::Null);
    assert_eq!(small["suppressed"], "primary");
    // Beside the 7 it is hidden with, the row total (10) and the first gathering's total (23,
    // with Malvik's 8 and the midwives' 12 shown) would pin the 3: the audit hides more, until
    // no published figure narrows it.
    assert_eq!(rows[1]["cells"][1]["shown"], "x");
    assert_eq!(rows[1]["total"]["count"], Value::Null);
    assert_eq!(rows[0]["cells"][0]["count"], Value::Null);
    assert_eq!(rows[2]["total"]["count"], 21);
    assert_eq!(table["total"]["count"], 45);
    let by_service = figures["attendance_by_service"].as_array().unwrap();
    assert_eq!(by_service.len(), 3);
    assert_eq!(
        by_service[2]["service"],
        "Stjørdal kommune: Jordmortjenesten"
    );
    assert_eq!(by_service[2]["attendees"]["count"], 21);
    // No cell of the table is a count below 5.
    for row in rows {
        for cell in row["cells"].as_array().unwrap() {
            if let Some(count) = cell["count"].as_u64() {
                assert!(count == 0 || count >= 5, "{cell}");
            }
        }
    }
}

#[actix_web::test]
async fn a_member_contact_reads_the_network_and_records_only_its_own_services_attendance() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let (gathering, etag) =
        created_gathering(&app, &f, &network.id, &gathering_body("2026-11-12", false)).await;

    let read = fetched(
        &app,
        &format!("/api/v1/learning-networks/{}", network.id),
        &f.malvik_contact,
    )
    .await;
    assert_eq!(read.body["view"], "member");
    assert!(read.body.get("version").is_none(), "{}", read.text);
    assert!(read.header("etag").is_none());
    assert_eq!(
        read.body["members"][2]["organisation_name"],
        "Malvik kommune"
    );
    assert_eq!(read.body["steering_group"][0]["user_organisation"], true);
    let listed = fetched(&app, "/api/v1/learning-networks", &f.malvik_contact).await;
    assert_eq!(listed.body["items"][0]["id"], network.id.as_str());

    let gathering_uri = format!(
        "/api/v1/learning-networks/{}/gatherings/{gathering}",
        network.id
    );
    let seen = fetched(&app, &gathering_uri, &f.malvik_contact).await;
    assert_eq!(seen.header("etag"), Some(etag.as_str()));
    assert_eq!(seen.body["user_involvement"], false);

    let malviks = attendance_uri(&network.id, &gathering, &network.members[2]);
    let stjordal_service = &network.members[0];
    let without = attend(&app, &malviks, &f.malvik_contact, None, 4).await;
    without.assert_problem(428);
    let recorded = attend(&app, &malviks, &f.malvik_contact, Some(&etag), 4).await;
    assert_eq!(recorded.status, 200, "{}", recorded.text);
    assert_eq!(recorded.header("etag"), Some("\"2\""));
    assert_eq!(recorded.body["attendance"][2]["attendees"], 4);
    assert_eq!(recorded.body["attendance"][0]["attendees"], Value::Null);
    let stale = attend(&app, &malviks, &f.malvik_contact, Some(&etag), 5).await;
    stale.assert_problem(412);

    let others = attend(
        &app,
        &attendance_uri(&network.id, &gathering, stjordal_service),
        &f.malvik_contact,
        Some("\"2\""),
        30,
    )
    .await;
    let problem = others.assert_problem(403);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("only your own services' attendance"));
    let stranger = attend(
        &app,
        &attendance_uri(&network.id, &gathering, &uuid::Uuid::now_v7().to_string()),
        &f.malvik_contact,
        Some("\"2\""),
        3,
    )
    .await;
    stranger.assert_problem(404);
    let out_of_range = attend(&app, &malviks, &f.malvik_contact, Some("\"2\""), 1001).await;
    out_of_range.assert_problem(422);

    // Members read; only the coordinator changes the network or its gatherings.
    let patched = send_if_match(
        &app,
        TestRequest::patch().uri(&format!("/api/v1/learning-networks/{}", network.id)),
        &f.malvik_contact,
        Some("\"1\""),
        &json!({"name": "Vårt nettverk"}),
    )
    .await;
    patched.assert_problem(403);
    let stored: Vec<(String, i64)> = tables_containing(&t.database, "Vårt nettverk");
    assert!(stored.is_empty(), "{stored:?}");
}

#[actix_web::test]
async fn a_municipality_outside_the_network_and_another_centre_get_404() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let (gathering, etag) =
        created_gathering(&app, &f, &network.id, &gathering_body("2026-11-12", true)).await;
    let network_uri = format!("/api/v1/learning-networks/{}", network.id);
    let gathering_uri = format!("{network_uri}/gatherings/{gathering}");

    for outsider in [&f.oslo_contact, &f.other_centre] {
        let uris = [
            network_uri.clone(),
            gathering_uri.clone(),
            format!("{network_uri}/gatherings"),
        ];
        assert_not_found(&app, &uris, &[outsider]).await;
        let listed = fetched(&app, "/api/v1/learning-networks", outsider).await;
        assert_eq!(listed.body["items"], json!([]));
        attend(
            &app,
            &attendance_uri(&network.id, &gathering, &network.members[0]),
            outsider,
            Some(&etag),
            3,
        )
        .await
        .assert_problem(404);
    }
    // Another centre cannot change, extend or add to a network it does not coordinate.
    send_if_match(
        &app,
        TestRequest::patch().uri(&network_uri),
        &f.other_centre,
        Some("\"1\""),
        &json!({"name": "Overtatt"}),
    )
    .await
    .assert_problem(404);
    post(
        &app,
        &format!("{network_uri}/gatherings"),
        &f.other_centre,
        &gathering_body("2026-12-01", false),
    )
    .await
    .assert_problem(404);
    post(
        &app,
        &format!("{network_uri}/members"),
        &f.other_centre,
        &json!({"organisation_id": f.malvik.id, "service": "Barnevernet"}),
    )
    .await
    .assert_problem(404);

    // Their probes are traced.
    assert!(
        t.database
            .count("SELECT count(*) AS count FROM audit_events WHERE action = 'access_denied'")
            >= 2
    );
}

#[actix_web::test]
async fn a_highlight_holding_a_national_identity_number_is_refused_and_nothing_stored() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let mut body = gathering_body("2026-11-12", false);
    body["highlights"] = json!(["Godt møte", "Mor (15076500565) fortalte om sin erfaring"]);
    let refused = post(
        &app,
        &format!("/api/v1/learning-networks/{}/gatherings", network.id),
        &f.coordinator,
        &body,
    )
    .await;
    let problem = refused.assert_problem(422);
    assert!(problem["errors"][0]["field"]
        .as_str()
        .unwrap()
        .starts_with("highlights"));
    assert!(!refused.text.contains("15076500565"));
    assert!(tables_containing(&t.database, "15076500565").is_empty());
    assert!(tables_containing(&t.database, "Godt møte").is_empty());

    // Nor in a programme title, nor through a change.
    let mut body = gathering_body("2026-11-12", false);
    body["programme"][0]["title"] = json!("Saken til 15076500565");
    post(
        &app,
        &format!("/api/v1/learning-networks/{}/gatherings", network.id),
        &f.coordinator,
        &body,
    )
    .await
    .assert_problem(422);
    let (gathering, etag) =
        created_gathering(&app, &f, &network.id, &gathering_body("2026-11-12", false)).await;
    send_if_match(
        &app,
        TestRequest::patch().uri(&format!(
            "/api/v1/learning-networks/{}/gatherings/{gathering}",
            network.id
        )),
        &f.coordinator,
        Some(&etag),
        &json!({"highlights": ["15076500565 var der"]}),
    )
    .await
    .assert_problem(422);
    assert!(tables_containing(&t.database, "15076500565").is_empty());
}

#[actix_web::test]
async fn the_coordinator_changes_the_network_and_its_gatherings_with_if_match() {
    let (_t, app, f) = TestApp::started(familienettverket).await;

    let mut unknown = network_body(&f);
    unknown["members"][1]["organisation_id"] = json!(uuid::Uuid::now_v7());
    let refused = post(&app, "/api/v1/learning-networks", &f.coordinator, &unknown).await;
    assert_eq!(
        refused.assert_problem(422)["errors"][0]["field"],
        "members[1].organisation_id"
    );
    let mut twice = network_body(&f);
    twice["members"][2] = twice["members"][0].clone();
    let refused = post(&app, "/api/v1/learning-networks", &f.coordinator, &twice).await;
    assert_eq!(
        refused.assert_problem(422)["errors"][0]["field"],
        "members[2]"
    );
    let mut backwards = network_body(&f);
    backwards["ends_on"] = json!("2025-12-31");
    post(
        &app,
        "/api/v1/learning-networks",
        &f.coordinator,
        &backwards,
    )
    .await
    .assert_problem(422);
    post(
        &app,
        "/api/v1/learning-networks",
        &f.malvik_contact,
        &network_body(&f),
    )
    .await
    .assert_problem(403);

    let network = created_network(&app, &f).await;
    let uri = format!("/api/v1/learning-networks/{}", network.id);

    // A retry with the same key is the first answer again, not a second network.
    let keyed = || {
        authorized(
            TestRequest::post().uri("/api/v1/learning-networks"),
            &f.coordinator,
        )
        .insert_header(("Idempotency-Key", "familienettverket-1"))
        .set_json(network_body(&f))
    };
    let first = send(&app, keyed()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = send(&app, keyed()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], first.body["id"]);
    let listed = get(&app, "/api/v1/learning-networks", &f.coordinator).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);

    send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.coordinator,
        None,
        &json!({"name": "Familienettverket Midt"}),
    )
    .await
    .assert_problem(428);
    send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.coordinator,
        Some("\"1\""),
        &json!({"ends_on": "2025-01-01"}),
    )
    .await
    .assert_problem(422);
    let changed = send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.coordinator,
        Some("\"1\""),
        &json!({"name": "Familienettverket Midt", "steering_group": [{"name": "ProLAR", "user_organisation": true}]}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.header("etag"), Some("\"2\""));
    assert_eq!(changed.body["name"], "Familienettverket Midt");
    assert_eq!(changed.body["steering_group"].as_array().unwrap().len(), 1);
    send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.coordinator,
        Some("\"1\""),
        &json!({"name": "Gammel"}),
    )
    .await
    .assert_problem(412);

    let added = created(
        &app,
        &format!("{uri}/members"),
        &f.coordinator,
        &json!({"organisation_id": f.malvik.id, "service": "Barnevernet"}),
    )
    .await;
    assert_eq!(added.header("etag"), Some("\"3\""));
    assert_eq!(added.body["members"].as_array().unwrap().len(), 4);
    let twice_added = post(
        &app,
        &format!("{uri}/members"),
        &f.coordinator,
        &json!({"organisation_id": f.malvik.id, "service": "Barnevernet"}),
    )
    .await;
    assert!(twice_added.assert_problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("already a member"));

    let digital_without_place = json!({"held_on": "2026-05-05", "digital": true});
    let (gathering, etag) = created_gathering(&app, &f, &network.id, &digital_without_place).await;
    post(
        &app,
        &format!("{uri}/gatherings"),
        &f.coordinator,
        &json!({"held_on": "2026-05-05"}),
    )
    .await
    .assert_problem(422);
    let gathering_uri = format!("{uri}/gatherings/{gathering}");
    send_if_match(
        &app,
        TestRequest::patch().uri(&gathering_uri),
        &f.coordinator,
        Some(&etag),
        &json!({"digital": false}),
    )
    .await
    .assert_problem(422);
    let moved = send_if_match(
        &app,
        TestRequest::patch().uri(&gathering_uri),
        &f.coordinator,
        Some(&etag),
        &json!({"digital": false, "place": "Scandic Hell", "evaluation": {"respondents": 31, "average_rating": 4.6}}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["place"], "Scandic Hell");
    assert_eq!(moved.body["evaluation"]["average_rating"], 4.6);
    assert_eq!(moved.header("etag"), Some("\"2\""));
}

#[actix_web::test]
async fn reads_and_writes_leave_audit_events() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let (gathering, etag) =
        created_gathering(&app, &f, &network.id, &gathering_body("2026-11-12", true)).await;
    let network_uri = format!("/api/v1/learning-networks/{}", network.id);
    assert_eq!(get(&app, &network_uri, &f.malvik_contact).await.status, 200);
    assert_eq!(
        get(&app, "/api/v1/learning-networks", &f.stjordal_contact)
            .await
            .status,
        200
    );
    let gathering_uri = format!("{network_uri}/gatherings/{gathering}");
    assert_eq!(
        get(&app, &gathering_uri, &f.malvik_contact).await.status,
        200
    );
    assert_eq!(
        get(&app, &format!("{network_uri}/gatherings"), &f.coordinator)
            .await
            .status,
        200
    );
    let recorded = attend(
        &app,
        &attendance_uri(&network.id, &gathering, &network.members[2]),
        &f.malvik_contact,
        Some(&etag),
        6,
    )
    .await;
    assert_eq!(recorded.status, 200, "{}", recorded.text);

    let events: Vec<Event> = diesel::sql_query(
        "SELECT actor, action, resource_type, resource_id FROM audit_events \
         WHERE resource_type IN ('learning_network', 'gathering') ORDER BY occurred_at, id",
    )
    .load(&mut t.database.connect())
    .unwrap();
    let network_id: uuid::Uuid = network.id.parse().unwrap();
    let gathering_id: uuid::Uuid = gathering.parse().unwrap();
    let has = |actor: &str, action: &str, resource_type: &str, id: uuid::Uuid| {
        events.contains(&Event {
            actor: actor.into(),
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id: id,
        })
    };
    assert!(
        has(
            "radgiver@nktsb.example",
            "created",
            "learning_network",
            network_id
        ),
        "{events:?}"
    );
    assert!(
        has(
            "radgiver@nktsb.example",
            "created",
            "gathering",
            gathering_id
        ),
        "{events:?}"
    );
    assert!(
        has(
            "kontakt@malvik.example",
            "read",
            "learning_network",
            network_id
        ),
        "{events:?}"
    );
    assert!(
        has(
            "kontakt@stjordal.example",
            "read",
            "learning_network",
            network_id
        ),
        "{events:?}"
    );
    assert!(
        has("kontakt@malvik.example", "read", "gathering", gathering_id),
        "{events:?}"
    );
    assert!(
        has("radgiver@nktsb.example", "read", "gathering", gathering_id),
        "{events:?}"
    );
    assert!(
        has(
            "kontakt@malvik.example",
            "updated",
            "gathering",
            gathering_id
        ),
        "{events:?}"
    );
}

/// Stores `count` network meetings in `municipality` on `held_on`, of which the first
/// `supervision` asked for supervision and the first `follow_up` planned a next meeting.
fn log_meetings(
    t: &TestApp,
    organisation: uuid::Uuid,
    municipality: &str,
    held_on: &str,
    count: i32,
    supervision: i32,
    follow_up: i32,
) {
    diesel::sql_query(
        "INSERT INTO network_meetings (id, organisation_id, facilitator_subject, held_on, \
             municipality_number, service, suggested_by, age_band, family, partner, friend, \
             colleague, neighbour, professional, other, next_meeting_planned, supervision_wanted) \
         SELECT gen_random_uuid(), $1, 'veileder@example', $2::date, $3, 'Familieteamet', \
             'professional', '30-39', 3, 1, 1, 0, 0, 1, 0, n <= $6, n <= $5 \
         FROM generate_series(1, $4) AS n",
    )
    .bind::<diesel::sql_types::Uuid, _>(organisation)
    .bind::<diesel::sql_types::Text, _>(held_on)
    .bind::<diesel::sql_types::Text, _>(municipality)
    .bind::<diesel::sql_types::Integer, _>(count)
    .bind::<diesel::sql_types::Integer, _>(supervision)
    .bind::<diesel::sql_types::Integer, _>(follow_up)
    .execute(&mut t.database.connect())
    .unwrap();
}

#[actix_web::test]
async fn network_meeting_statistics_hide_a_municipality_with_two_meetings() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    log_meetings(&t, f.stjordal.id, "5035", "2026-10-05", 2, 2, 0);
    log_meetings(&t, f.malvik.id, "5031", "2026-11-10", 7, 2, 4);
    log_meetings(&t, f.malvik.id, "5001", "2026-12-01", 9, 2, 5);
    log_meetings(&t, f.malvik.id, "5001", "2025-06-01", 3, 0, 0);

    let stats = fetched(
        &app,
        "/api/v1/statistics/network-meetings?year=2026",
        &f.oslo_contact,
    )
    .await;
    let table = &stats.body["meetings"];
    assert_eq!(table["columns"], json!(["2026-Q4"]));
    let rows = table["rows"].as_array().unwrap();
    let row = |label: &str| {
        rows.iter()
            .find(|row| row["label"] == label)
            .unwrap_or_else(|| panic!("no row {label}: {table}"))
    };
    // Stjørdal's two meetings are too few to show.
    assert_eq!(row("5035")["cells"][0]["shown"], "<5");
    // The year is a view of the table for all years: its cells are that table's, and a row's
    // total for the year would be a new figure (Trondheim's 2025 is the difference), so it is
    // withheld, and so are the averages and shares.
    assert_eq!(row("5001")["total"]["shown"], "..");
    assert_eq!(row("5001")["total"]["suppressed"], "unpublished");
    assert_eq!(stats.body["meetings_logged"]["shown"], "..");
    assert_eq!(stats.body["average_network_size"], Value::Null);
    assert_eq!(stats.body["supervision_requested_share"], Value::Null);

    let all = fetched(&app, "/api/v1/statistics/network-meetings", &f.coordinator).await;
    let table = &all.body["meetings"];
    assert_eq!(table["columns"], json!(["2025-Q2", "2026-Q4"]));
    let rows = table["rows"].as_array().unwrap();
    let row = |label: &str| {
        rows.iter()
            .find(|row| row["label"] == label)
            .unwrap_or_else(|| panic!("no row {label}: {table}"))
    };
    assert_eq!(row("5035")["cells"][1]["shown"], "<5");
    assert_eq!(row("5001")["cells"][0]["shown"], "<5");
    // Malvik's 7 in 5031 would give Stjørdal's 2 away next to the quarter's total: hidden.
    assert_eq!(row("5031")["cells"][1]["shown"], "x");
    assert_eq!(row("5031")["cells"][1]["suppressed"], "secondary");
    // Malvik logged 19 of the 21: beside its own, the total would give Stjørdal's 2 away to it,
    // and so would the averages and shares over all 21.
    assert_eq!(table["total"]["count"], Value::Null, "{table}");
    assert_eq!(all.body["meetings_logged"]["count"], Value::Null);
    assert_eq!(all.body["average_network_size"], Value::Null);
    assert_eq!(all.body["supervision_requested_share"], Value::Null);

    // Five more meetings of a third employer's, and nobody's own leaves 1 to 4 of the rest.
    let levanger = t.municipality("Levanger kommune", "5037");
    log_meetings(&t, levanger.id, "5037", "2026-10-20", 5, 0, 0);
    let all = get(&app, "/api/v1/statistics/network-meetings", &f.coordinator).await;
    // Every meeting had a network of 6; 6 of 26 asked for supervision, 9 planned a next one.
    assert_eq!(all.body["average_network_size"], 6.0, "{}", all.text);
    assert_eq!(all.body["supervision_requested_share"], 0.23);
    assert_eq!(all.body["follow_up_meeting_share"], 0.35);
    get(
        &app,
        "/api/v1/statistics/network-meetings?year=1800",
        &f.coordinator,
    )
    .await
    .assert_problem(400);
}

#[actix_web::test]
async fn user_involvement_is_shared_once_five_gatherings_are_recorded() {
    let (_t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let uri = format!(
        "/api/v1/statistics/learning-networks?learning_network_id={}",
        network.id
    );
    for (day, by_user_representative) in [
        ("2026-02-01", true),
        ("2026-03-01", false),
        ("2026-04-01", true),
        ("2026-05-01", true),
    ] {
        created_gathering(
            &app,
            &f,
            &network.id,
            &gathering_body(day, by_user_representative),
        )
        .await;
    }
    let four = get(&app, &uri, &f.malvik_contact).await;
    assert_eq!(four.body["networks"][0]["gatherings_held"], 4);
    assert_eq!(
        four.body["networks"][0]["user_involvement_share"],
        Value::Null
    );
    created_gathering(&app, &f, &network.id, &gathering_body("2026-06-01", false)).await;
    let five = fetched(&app, &uri, &f.malvik_contact).await;
    assert_eq!(five.body["networks"][0]["gatherings_held"], 5);
    assert_eq!(five.body["networks"][0]["user_involvement_share"], 0.6);
    // Nothing was recorded: every service shows 0 at every gathering.
    let table = &five.body["networks"][0]["attendance"];
    assert_eq!(table["columns"].as_array().unwrap().len(), 5);
    assert_eq!(table["total"]["count"], 0);
}

#[actix_web::test]
async fn no_text_field_of_a_network_or_gathering_stores_a_national_identity_number() {
    let (t, app, f) = TestApp::started(familienettverket).await;
    let id = "15076500565";
    let mut refused_bodies = Vec::new();
    for (field, path) in [
        ("target_group", &["target_group"][..]),
        (
            "steering_group[0].name",
            &["steering_group", "0", "name"][..],
        ),
        ("members[0].service", &["members", "0", "service"][..]),
    ] {
        let mut body = network_body(&f);
        let mut slot = &mut body;
        for step in path {
            slot = match step.parse::<usize>() {
                Ok(index) => &mut slot[index],
                Err(_) => &mut slot[*step],
            };
        }
        *slot = json!(format!("Gjelder {id}"));
        refused_bodies.push((field, "/api/v1/learning-networks".to_owned(), body));
    }
    let network = created_network(&app, &f).await;
    let gatherings = format!("/api/v1/learning-networks/{}/gatherings", network.id);
    let mut at_place = gathering_body("2026-11-12", false);
    at_place["place"] = json!(format!("Hos {id}"));
    refused_bodies.push(("place", gatherings.clone(), at_place));
    let mut presenter = gathering_body("2026-11-12", false);
    presenter["programme"][0]["presenter_organisation"] = json!(id);
    refused_bodies.push(("programme[0].presenter_organisation", gatherings, presenter));

    for (field, uri, body) in refused_bodies {
        let refused = post(&app, &uri, &f.coordinator, &body).await;
        refused.assert_invalid(field, "national_id");
        assert!(
            !refused.text.contains(id),
            "{field}: the number is not echoed"
        );
    }
    assert!(tables_containing(&t.database, id).is_empty());
}

#[actix_web::test]
async fn a_planned_gathering_gets_its_evaluation_highlights_and_attendance_once_held() {
    let (_t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let gatherings = format!("/api/v1/learning-networks/{}/gatherings", network.id);

    // Planned for next year with an evaluation already: both refused, nothing stored.
    let refused = post(
        &app,
        &gatherings,
        &f.coordinator,
        &gathering_body("2031-03-10", true),
    )
    .await;
    let problem = refused.assert_problem(422);
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("evaluation", "not_yet_held"),
            ("highlights", "not_yet_held")
        ]
    );

    // Planned without them: stored; its attendance waits for the day.
    let mut planned = gathering_body("2031-03-10", true);
    planned["evaluation"] = Value::Null;
    planned.as_object_mut().unwrap().remove("evaluation");
    planned["highlights"] = json!([]);
    let (gathering, etag) = created_gathering(&app, &f, &network.id, &planned).await;
    let counted = attend(
        &app,
        &attendance_uri(&network.id, &gathering, &network.members[0]),
        &f.coordinator,
        Some(&etag),
        12,
    )
    .await;
    counted.assert_invalid("attendees", "not_yet_held");
    let read = get(&app, &format!("{gatherings}/{gathering}"), &f.coordinator).await;
    assert_eq!(read.header("etag"), Some(etag.as_str()), "unchanged");
}

/// A network coordinated by NK TSB and Helsedirektoratet, with a TSB unit as a member service.
struct TwoCoordinators {
    nk_tsb: String,
    directorate: Organisation,
    directorate_adviser: String,
    other_centre: String,
    ks_adviser: String,
    tsb_unit: Organisation,
    tsb_facilitator: String,
    municipality: Organisation,
}

fn two_coordinators(t: &TestApp) -> TwoCoordinators {
    let nk_tsb = t.organisation(OrganisationKind::CompetenceCentre, "NK TSB", None);
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Øst", None);
    let directorate = t.organisation(
        OrganisationKind::NationalAuthority,
        "Helsedirektoratet",
        None,
    );
    let ks = t.organisation(OrganisationKind::NationalAuthority, "KS", None);
    let tsb_unit = t.organisation(
        OrganisationKind::SpecialistHealthService,
        "Avdeling for rusbehandling, St. Olavs hospital",
        None,
    );
    TwoCoordinators {
        nk_tsb: t.token_as(
            "radgiver@nktsb.example",
            nk_tsb.id,
            &[Role::CompetenceAdviser],
        ),
        directorate_adviser: t.token_as(
            "radgiver@helsedir.example",
            directorate.id,
            &[Role::ProgrammeAdviser],
        ),
        other_centre: t.token_as(
            "radgiver@korus.example",
            korus.id,
            &[Role::CompetenceAdviser],
        ),
        ks_adviser: t.token_as("radgiver@ks.example", ks.id, &[Role::ProgrammeAdviser]),
        tsb_facilitator: t.token_as(
            "miljoterapeut@stolav.example",
            tsb_unit.id,
            &[Role::Facilitator],
        ),
        municipality: t.municipality("Stjørdal kommune", "5035"),
        directorate,
        tsb_unit,
    }
}

fn two_coordinator_body(f: &TwoCoordinators) -> Value {
    json!({
        "name": "Familienettverket",
        "coordinator_ids": [f.directorate.id],
        "target_group": "Tjenester til gravide og familier med små barn der foreldrene har rusproblemer",
        "starts_on": "2016-01-15",
        "members": [
            {"organisation_id": f.tsb_unit.id, "service": "Døgnbehandling for gravide"},
            {"organisation_id": f.municipality.id, "service": "Helsestasjonen"}
        ]
    })
}

#[actix_web::test]
async fn a_learning_network_with_two_coordinators_is_writable_by_both_and_by_no_one_else() {
    let (_t, app, f) = TestApp::started(two_coordinators).await;
    let created = created(
        &app,
        "/api/v1/learning-networks",
        &f.nk_tsb,
        &two_coordinator_body(&f),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/learning-networks/{id}");
    assert_eq!(created.body["coordinators"].as_array().unwrap().len(), 2);
    assert_eq!(
        created.body["coordinators"][1]["organisation_name"],
        "Helsedirektoratet"
    );
    assert_eq!(
        created.body["coordinating_centre_id"], created.body["coordinators"][0]["organisation_id"],
        "the lead is the creator's organisation"
    );

    // Both coordinators change it, each with the version it read.
    for (token, etag, name) in [
        (&f.nk_tsb, "\"1\"", "Familienettverket I"),
        (&f.directorate_adviser, "\"2\"", "Familienettverket II"),
    ] {
        let read = get(&app, &uri, token).await;
        assert_eq!(read.body["view"], "coordinator");
        assert_eq!(read.header("etag"), Some(etag));
        let changed = send_if_match(
            &app,
            TestRequest::patch().uri(&uri),
            token,
            Some(etag),
            &json!({"name": name}),
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.text);
        assert_eq!(changed.body["name"], name);
    }
    let gathering = created_gathering_by(&app, &f.directorate_adviser, &id).await;
    assert_eq!(gathering.status, 201, "{}", gathering.text);

    // No one else: another centre and another national authority get 404, the member reads
    // without a version and cannot write (403 by role, 404 by reach).
    for outsider in [&f.other_centre, &f.ks_adviser] {
        get(&app, &uri, outsider).await.assert_problem(404);
        send_if_match(
            &app,
            TestRequest::patch().uri(&uri),
            outsider,
            Some("\"3\""),
            &json!({"name": "Overtatt"}),
        )
        .await
        .assert_problem(404);
        created_gathering_by(&app, outsider, &id)
            .await
            .assert_problem(404);
    }
    let member = fetched(&app, &uri, &f.tsb_facilitator).await;
    assert_eq!(member.body["view"], "member");
    send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.tsb_facilitator,
        Some("\"3\""),
        &json!({"name": "Overtatt"}),
    )
    .await
    .assert_problem(403);
    let listed = get(&app, "/api/v1/learning-networks", &f.ks_adviser).await;
    assert_eq!(listed.body["items"], json!([]));
    let unchanged = get(&app, &uri, &f.nk_tsb).await;
    assert_eq!(unchanged.body["name"], "Familienettverket II");
}

async fn created_gathering_by(
    app: &impl App,
    token: &str,
    network: &str,
) -> samhandling_tests::Reply {
    post(
        app,
        &format!("/api/v1/learning-networks/{network}/gatherings"),
        token,
        &json!({"held_on": "2016-11-29", "place": "Værnes"}),
    )
    .await
}

#[actix_web::test]
async fn coordinators_and_members_must_fit_their_places() {
    let (t, app, f) = TestApp::started(two_coordinators).await;
    let governor = t.organisation(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Trøndelag",
        None,
    );
    let rhf = t.organisation(
        OrganisationKind::RegionalHealthAuthority,
        "Helse Sør-Øst RHF",
        None,
    );
    let mut body = two_coordinator_body(&f);
    body["coordinator_ids"] = json!([f.municipality.id, uuid::Uuid::now_v7()]);
    body["members"][1]["organisation_id"] = json!(rhf.id);
    body["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"organisation_id": governor.id, "service": "Tilsyn"}));
    let refused = post(&app, "/api/v1/learning-networks", &f.nk_tsb, &body).await;
    let fields: Vec<_> = refused.assert_problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["field"].as_str().unwrap().to_owned(),
                error["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("coordinator_ids[0]".to_owned(), "kind".to_owned()),
            ("coordinator_ids[1]".to_owned(), "not_found".to_owned()),
            ("members[1].organisation_id".to_owned(), "kind".to_owned()),
            ("members[2].organisation_id".to_owned(), "kind".to_owned()),
        ]
    );
    // A specialist health service joins as a member service later too.
    let network = created(
        &app,
        "/api/v1/learning-networks",
        &f.nk_tsb,
        &json!({
            "name": "Nettverk", "target_group": "Gravide i LAR", "starts_on": "2016-01-15"
        }),
    )
    .await;
    let id = network.body["id"].as_str().unwrap();
    let added = created(
        &app,
        &format!("/api/v1/learning-networks/{id}/members"),
        &f.nk_tsb,
        &json!({"organisation_id": f.tsb_unit.id, "service": "Familieambulatoriet"}),
    )
    .await;
    assert_eq!(
        added.body["members"][0]["organisation_name"],
        "Avdeling for rusbehandling, St. Olavs hospital"
    );
    post(
        &app,
        &format!("/api/v1/learning-networks/{id}/members"),
        &f.nk_tsb,
        &json!({"organisation_id": rhf.id, "service": "Finansiering"}),
    )
    .await
    .assert_problem(422);
}

#[actix_web::test]
async fn steering_seats_name_organisations_and_an_end_says_funding_stopped() {
    let (t, app, f) = TestApp::started(two_coordinators).await;
    let rhf = t.organisation(
        OrganisationKind::RegionalHealthAuthority,
        "Helse Sør-Øst RHF",
        None,
    );
    let bar = t.organisation(OrganisationKind::UserOrganisation, "BAR", None);
    let mut body = two_coordinator_body(&f);
    body["steering_group"] = json!([
        {"organisation_id": rhf.id},
        {"organisation_id": bar.id},
        {"name": "Foreningen for en lokal gruppe", "user_organisation": true}
    ]);
    let network = created(&app, "/api/v1/learning-networks", &f.nk_tsb, &body).await;
    assert_eq!(
        network.body["steering_group"],
        json!([
            {"organisation_id": rhf.id, "name": "Helse Sør-Øst RHF", "user_organisation": false},
            {"organisation_id": bar.id, "name": "BAR", "user_organisation": true},
            {"organisation_id": null, "name": "Foreningen for en lokal gruppe", "user_organisation": true}
        ])
    );
    let uri = format!(
        "/api/v1/learning-networks/{}",
        network.body["id"].as_str().unwrap()
    );
    for seat in [
        json!({}),
        json!({"organisation_id": rhf.id, "name": "Helse Sør-Øst"}),
        json!({"organisation_id": uuid::Uuid::now_v7()}),
    ] {
        send_if_match(
            &app,
            TestRequest::patch().uri(&uri),
            &f.nk_tsb,
            Some("\"1\""),
            &json!({"steering_group": [seat]}),
        )
        .await
        .assert_problem(422);
    }

    for early in ["2015-12-31", "2999-01-01"] {
        let refused = send_if_match(
            &app,
            TestRequest::patch().uri(&uri),
            &f.nk_tsb,
            Some("\"1\""),
            &json!({"end": {"on": early, "reason": "completed"}}),
        )
        .await;
        assert_eq!(refused.assert_problem(422)["errors"][0]["field"], "end.on");
    }
    let ended = send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.nk_tsb,
        Some("\"1\""),
        &json!({"end": {"on": "2019-03-31", "reason": "funding_stopped",
            "note": "Helse Sør-Øst stopped its funding without explanation"}}),
    )
    .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["ends_on"], "2019-03-31");
    assert_eq!(
        ended.body["end"],
        json!({"on": "2019-03-31", "reason": "funding_stopped",
            "note": "Helse Sør-Øst stopped its funding without explanation"})
    );
    let member = get(&app, &uri, &f.tsb_facilitator).await;
    assert_eq!(member.body["end"]["reason"], "funding_stopped");
    send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.nk_tsb,
        Some("\"2\""),
        &json!({"end": {"on": "2019-03-31", "reason": "the money ran out"}}),
    )
    .await
    .assert_problem(400);
}

#[actix_web::test]
async fn a_gathering_over_two_days_counts_as_one_and_lasts_at_most_five() {
    let (_t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let gatherings = format!("/api/v1/learning-networks/{}/gatherings", network.id);
    for (ends_on, why) in [
        ("2026-02-28", "before its first day"),
        ("2026-03-06", "six days"),
    ] {
        let mut body = gathering_body("2026-03-01", false);
        body["ends_on"] = json!(ends_on);
        let refused = post(&app, &gatherings, &f.coordinator, &body).await;
        assert_eq!(
            refused.assert_problem(422)["errors"][0]["field"],
            "ends_on",
            "{why}"
        );
    }
    let mut two_days = gathering_body("2026-03-01", true);
    two_days["ends_on"] = json!("2026-03-02");
    let (id, etag) = created_gathering(&app, &f, &network.id, &two_days).await;
    let uri = format!("{gatherings}/{id}");
    let read = get(&app, &uri, &f.stjordal_contact).await;
    assert_eq!(read.body["held_on"], "2026-03-01");
    assert_eq!(read.body["ends_on"], "2026-03-02");
    let changed = send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &f.coordinator,
        Some(&etag),
        &json!({"ends_on": "2026-03-05"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["ends_on"], "2026-03-05");

    let statistics = get(
        &app,
        &format!(
            "/api/v1/statistics/learning-networks?learning_network_id={}",
            network.id
        ),
        &f.coordinator,
    )
    .await;
    assert_eq!(statistics.body["networks"][0]["gatherings_held"], 1);
    let columns = &statistics.body["networks"][0]["attendance"]["columns"];
    assert_eq!(columns.as_array().unwrap().len(), 1, "{columns}");
}

#[actix_web::test]
async fn a_regional_network_belongs_to_a_national_programme_whose_coordinators_see_it_coarsely() {
    let (_t, app, f) = TestApp::started(two_coordinators).await;
    let mut programme = two_coordinator_body(&f);
    programme["name"] = json!("Nasjonalt læringsnettverk for barn og unge");
    programme["national_programme"] = json!(true);
    programme["coordinator_ids"] = json!([]);
    programme["members"] = json!([]);
    let programme = created(
        &app,
        "/api/v1/learning-networks",
        &f.directorate_adviser,
        &programme,
    )
    .await;
    let programme_id = programme.body["id"].as_str().unwrap().to_owned();
    assert_eq!(programme.body["national_programme"], true);
    let plain = created(
        &app,
        "/api/v1/learning-networks",
        &f.nk_tsb,
        &json!({
            "name": "Ikke et program", "target_group": "Gravide i LAR", "starts_on": "2016-01-15"
        }),
    )
    .await;

    let mut regional = two_coordinator_body(&f);
    regional["coordinator_ids"] = json!([]);
    regional["name"] = json!("Læringsnettverk Midt-Norge");
    for (wrong, field) in [
        (
            json!({"national_programme_id": plain.body["id"]}),
            "national_programme_id",
        ),
        (
            json!({"national_programme_id": uuid::Uuid::now_v7()}),
            "national_programme_id",
        ),
        (
            json!({"national_programme_id": programme_id, "national_programme": true}),
            "national_programme_id",
        ),
    ] {
        let mut body = regional.clone();
        body.as_object_mut()
            .unwrap()
            .extend(wrong.as_object().unwrap().clone());
        let refused = post(&app, "/api/v1/learning-networks", &f.nk_tsb, &body).await;
        assert_eq!(
            refused.assert_problem(422)["errors"][0]["field"],
            field,
            "{body}"
        );
    }
    regional["national_programme_id"] = json!(programme_id);
    let regional = created(&app, "/api/v1/learning-networks", &f.nk_tsb, &regional).await;
    assert_eq!(regional.body["national_programme_id"], json!(programme_id));
    let regional_id = regional.body["id"].as_str().unwrap().to_owned();
    created_gathering_by(&app, &f.nk_tsb, &regional_id).await;

    // The programme's coordinators see its regional networks: who runs them and how much.
    let uri = format!("/api/v1/learning-networks/{programme_id}/regional-networks");
    let seen = fetched(&app, &uri, &f.directorate_adviser).await;
    let items = seen.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], json!(regional_id));
    assert_eq!(items[0]["name"], "Læringsnettverk Midt-Norge");
    assert_eq!(items[0]["coordinators"][0]["organisation_name"], "NK TSB");
    assert_eq!(items[0]["member_services"], 2);
    assert_eq!(items[0]["gatherings"], 1);
    assert!(items[0].get("members").is_none());
    assert!(!seen.text.contains("Døgnbehandling"));
    // But not the regional network itself: it is its own coordinators' and members'.
    get(
        &app,
        &format!("/api/v1/learning-networks/{regional_id}"),
        &f.directorate_adviser,
    )
    .await
    .assert_problem(404);
    // The regional network's coordinators do not coordinate the programme: 404.
    assert_not_found(&app, &[&uri], &[&f.nk_tsb, &f.ks_adviser]).await;

    // A programme with regional networks stays one; nor is it under itself.
    let programme_uri = format!("/api/v1/learning-networks/{programme_id}");
    for change in [
        json!({"national_programme": false}),
        json!({"national_programme_id": programme_id}),
    ] {
        send_if_match(
            &app,
            TestRequest::patch().uri(&programme_uri),
            &f.directorate_adviser,
            Some("\"1\""),
            &change,
        )
        .await
        .assert_problem(422);
    }
}

#[actix_web::test]
async fn a_member_service_reports_on_the_improvement_task_it_took_home() {
    let (_t, app, f) = TestApp::started(familienettverket).await;
    let network = created_network(&app, &f).await;
    let (gathering, _) =
        created_gathering(&app, &f, &network.id, &gathering_body("2026-03-01", false)).await;
    let tasks = format!("/api/v1/learning-networks/{}/improvement-tasks", network.id);
    // Stjørdal's jordmortjeneste and Malvik's helsestasjon each take one home.
    let mut ids = Vec::new();
    for member in [&network.members[0], &network.members[2]] {
        let task = created(
            &app,
            &tasks,
            &f.coordinator,
            &json!({"gathering_id": gathering, "member_id": member,
                "title": "Felles rutine for samarbeid jordmor–helsestasjon",
                "description": "Prøve ut rutinen og ta erfaringene med til neste samling."}),
        )
        .await;
        assert_eq!(task.body["status"], "planned");
        ids.push(task.body["id"].as_str().unwrap().to_owned());
    }
    let refused = post(
        &app,
        &tasks,
        &f.coordinator,
        &json!({"gathering_id": uuid::Uuid::now_v7(), "member_id": uuid::Uuid::now_v7(), "title": "X"}),
    )
    .await;
    let fields: Vec<_> = refused.assert_problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].clone())
        .collect();
    assert_eq!(fields, [json!("gathering_id"), json!("member_id")]);
    post(
        &app,
        &tasks,
        &f.stjordal_contact,
        &json!({"gathering_id": gathering,
        "member_id": network.members[0], "title": "X"}),
    )
    .await
    .assert_problem(403);

    // The coordinator sees both; each member organisation its own only; an outsider nothing.
    let all = get(&app, &tasks, &f.coordinator).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    let own = get(&app, &tasks, &f.stjordal_contact).await;
    assert_eq!(samhandling_tests::ids(&own.body), [ids[0].as_str()]);
    let malviks = format!("{tasks}/{}", ids[1]);
    get(&app, &malviks, &f.stjordal_contact)
        .await
        .assert_problem(404);
    assert_not_found(&app, &[&tasks], &[&f.oslo_contact, &f.other_centre]).await;

    // Stjørdal reports, with If-Match, through the lifecycle.
    let stjordals = format!("{tasks}/{}", ids[0]);
    let report = format!("{stjordals}/report");
    let body = json!({"status": "in_progress", "report": "Rutinen er tatt i bruk i to team."});
    send_if_match(
        &app,
        TestRequest::post().uri(&report),
        &f.stjordal_contact,
        None,
        &body,
    )
    .await
    .assert_problem(428);
    send_if_match(
        &app,
        TestRequest::post().uri(&report),
        &f.coordinator,
        Some("\"1\""),
        &body,
    )
    .await
    .assert_problem(403);
    send_if_match(
        &app,
        TestRequest::post().uri(&format!("{malviks}/report")),
        &f.stjordal_contact,
        Some("\"1\""),
        &body,
    )
    .await
    .assert_problem(404);
    let reported = send_if_match(
        &app,
        TestRequest::post().uri(&report),
        &f.stjordal_contact,
        Some("\"1\""),
        &body,
    )
    .await;
    assert_eq!(reported.status, 200, "{}", reported.text);
    assert_eq!(reported.body["status"], "in_progress");
    assert_eq!(reported.body["report"], "Rutinen er tatt i bruk i to team.");
    assert_eq!(reported.header("etag"), Some("\"2\""));
    let back = send_if_match(
        &app,
        TestRequest::post().uri(&report),
        &f.stjordal_contact,
        Some("\"2\""),
        &json!({"status": "planned"}),
    )
    .await;
    assert_eq!(
        back.assert_problem(409)["allowed_transitions"],
        json!(["done"])
    );
    let done = send_if_match(
        &app,
        TestRequest::post().uri(&report),
        &f.stjordal_contact,
        Some("\"2\""),
        &json!({"status": "done"}),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["report"], "Rutinen er tatt i bruk i to team.");
    let seen = get(&app, &stjordals, &f.coordinator).await;
    assert_eq!(seen.body["status"], "done");
}
