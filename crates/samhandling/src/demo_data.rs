//! The organisations named in the domain notes and seed articles, loaded idempotently so that a
//! newcomer's `make run` has a realistic directory to try the API against.

use samhandling_domain::audit::{AuditAction, NewAuditEvent, ResourceType};
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationDraft, OrganisationKind,
};
use samhandling_persistence::{audit, in_transaction, organisations, PgConnection, StoreError};
use uuid::Uuid;

/// One organisation to load.
struct Seed {
    kind: OrganisationKind,
    name: &'static str,
    municipality_number: Option<&'static str>,
    county: Option<&'static str>,
    region: Option<&'static str>,
}

const fn municipality(
    name: &'static str,
    number: &'static str,
    county: &'static str,
    region: Option<&'static str>,
) -> Seed {
    Seed {
        kind: OrganisationKind::Municipality,
        name,
        municipality_number: Some(number),
        county: Some(county),
        region,
    }
}

const fn located(
    kind: OrganisationKind,
    name: &'static str,
    number: Option<&'static str>,
    county: Option<&'static str>,
) -> Seed {
    Seed {
        kind,
        name,
        municipality_number: number,
        county,
        region: None,
    }
}

const TRONDELAG: &str = "Trøndelag";

/// The operator of this installation: the organisation administrators' tokens name.
pub const OPERATOR_NAME: &str = "Samhandling forvaltning";

/// Real organisations of the field (the municipalities of the Trøndelag dialogue meetings, the
/// LINK centres and their cities, the competence centres and the others listed), with their real
/// kommunenummer.
const SEEDS: &[Seed] = &[
    located(OrganisationKind::Other, OPERATOR_NAME, None, None),
    // The twelve municipalities of Statsforvalteren i Trøndelag's dialogue meetings.
    municipality("Levanger kommune", "5037", TRONDELAG, Some("Innherred")),
    municipality("Verdal kommune", "5038", TRONDELAG, Some("Innherred")),
    municipality("Steinkjer kommune", "5006", TRONDELAG, Some("Innherred")),
    municipality("Namsos kommune", "5007", TRONDELAG, Some("Namdalen")),
    municipality(
        "Stjørdal kommune",
        "5035",
        TRONDELAG,
        Some("Værnesregionen"),
    ),
    municipality("Selbu kommune", "5032", TRONDELAG, Some("Værnesregionen")),
    municipality("Tydal kommune", "5033", TRONDELAG, Some("Værnesregionen")),
    municipality("Meråker kommune", "5034", TRONDELAG, Some("Værnesregionen")),
    municipality("Frosta kommune", "5036", TRONDELAG, Some("Værnesregionen")),
    municipality("Hitra kommune", "5056", TRONDELAG, None),
    municipality("Frøya kommune", "5014", TRONDELAG, None),
    municipality("Heim kommune", "5055", TRONDELAG, None),
    // The cities of the LINK centres.
    municipality("Trondheim kommune", "5001", TRONDELAG, None),
    municipality("Bergen kommune", "4601", "Vestland", None),
    municipality("Oslo kommune", "0301", "Oslo", None),
    located(
        OrganisationKind::SelfHelpCentre,
        "LINK Bergen og omegn",
        Some("4601"),
        Some("Vestland"),
    ),
    located(
        OrganisationKind::SelfHelpCentre,
        "LINK Trondheim",
        Some("5001"),
        Some(TRONDELAG),
    ),
    located(
        OrganisationKind::SelfHelpCentre,
        "LINK Oslo",
        Some("0301"),
        Some("Oslo"),
    ),
    located(
        OrganisationKind::CompetenceCentre,
        "KoRus Midt (Kompetansesenter rus – Midt-Norge)",
        Some("5001"),
        Some(TRONDELAG),
    ),
    located(
        OrganisationKind::CompetenceCentre,
        "NAPHA (Nasjonalt kompetansesenter for psykisk helsearbeid)",
        Some("5001"),
        Some(TRONDELAG),
    ),
    located(
        OrganisationKind::CompetenceCentre,
        "KBT (Kompetansesenter for brukererfaring og tjenesteutvikling)",
        Some("5001"),
        Some(TRONDELAG),
    ),
    located(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Trøndelag",
        Some("5006"),
        Some(TRONDELAG),
    ),
    located(
        OrganisationKind::UserOrganisation,
        "Mental Helse",
        None,
        None,
    ),
    located(
        OrganisationKind::UserOrganisation,
        "RIO (Rusmisbrukernes interesseorganisasjon)",
        None,
        None,
    ),
    located(
        OrganisationKind::NavOffice,
        "NAV Årstad",
        Some("4601"),
        Some("Vestland"),
    ),
];

/// What the load found and did, organisation by organisation.
#[derive(Debug)]
pub struct Loaded {
    /// Each organisation, and whether this run created it.
    pub organisations: Vec<(Organisation, bool)>,
}

fn draft(seed: &Seed) -> Result<OrganisationDraft, StoreError> {
    Ok(OrganisationDraft {
        kind: seed.kind,
        name: seed.name.to_owned(),
        municipality_number: seed
            .municipality_number
            .map(|number| MunicipalityNumber::try_from(number.to_owned()))
            .transpose()
            .map_err(|error| StoreError::Corrupt(format!("{}: {error}", seed.name)))?,
        county: seed.county.map(str::to_owned),
        region: seed.region.map(str::to_owned),
        // Statsforvalteren i Trøndelag covers county 50.
        county_number: (seed.kind == OrganisationKind::CountyGovernor).then(|| "50".to_owned()),
    })
}

/// Loads every seed not yet present, in one transaction; running it again changes nothing.
pub fn load(conn: &mut PgConnection) -> Result<Loaded, StoreError> {
    in_transaction(conn, |conn| {
        let mut loaded = Vec::with_capacity(SEEDS.len());
        for seed in SEEDS {
            let draft = draft(seed)?;
            let existing = if let (OrganisationKind::Municipality, Some(number)) =
                (seed.kind, &draft.municipality_number)
            {
                organisations::find_municipality(conn, number)?
            } else {
                organisations::find_by_kind_and_name(conn, seed.kind, seed.name)?
            };
            let (organisation, created) = if let Some(organisation) = existing {
                (organisation, false)
            } else {
                (organisations::insert(conn, Uuid::now_v7(), &draft)?, true)
            };
            if created {
                audit::record(
                    conn,
                    &NewAuditEvent {
                        actor: "system:demo-data".into(),
                        actor_organisation_id: None,
                        action: AuditAction::Created,
                        resource_type: ResourceType::Organisation,
                        resource_id: organisation.id,
                        request_id: "demo-data".into(),
                    },
                )?;
            }
            loaded.push((organisation, created));
        }
        Ok(Loaded {
            organisations: loaded,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use samhandling_domain::page::PageRequest;
    use samhandling_persistence::organisations::{list, OrganisationFilter};
    use samhandling_tests::TestDatabase;

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
        // The twelve of the dialogue meetings, and the three LINK cities.
        for number in [
            "5037", "5038", "5006", "5007", "5035", "5032", "5033", "5034", "5036", "5056", "5014",
            "5055", "5001", "4601", "0301",
        ] {
            assert!(numbers.contains(&number), "{number} missing");
        }
        assert_eq!(numbers.len(), 15);
    }
}
