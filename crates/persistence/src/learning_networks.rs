//! Learning networks in storage, with their coordinators and member services. Every query that
//! loads a network takes a [`LearningNetworkScope`] into its WHERE clause: the networks the
//! caller's organisation coordinates, and those it has a member service in.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{assemble_one, find_and_lock, one_version_up, with_children};
use crate::schema::{
    gatherings, learning_network_coordinators, learning_network_members, learning_networks,
    organisations,
};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool};
use samhandling_domain::learning_network::{
    LearningNetwork, LearningNetworkScope, MemberService, NetworkEnd, SteeringMember,
};
use samhandling_domain::page::{Page, PageRequest};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The unique key that lets an organisation's service be a member of a network once.
pub const MEMBER_KEY: &str = "learning_network_members_network_id_organisation_id_service_key";

type Condition = Box<dyn BoxableExpression<learning_networks::table, Pg, SqlType = Bool>>;

/// `scope` as a WHERE condition on `learning_networks`; an empty scope matches nothing.
fn condition(scope: LearningNetworkScope) -> Condition {
    let coordinated: Option<Condition> = scope.coordinator.map(|organisation| {
        Box::new(
            learning_networks::id.eq_any(
                learning_network_coordinators::table
                    .filter(learning_network_coordinators::organisation_id.eq(organisation))
                    .select(learning_network_coordinators::network_id),
            ),
        ) as Condition
    });
    let joined: Option<Condition> = scope.member.map(|member| {
        Box::new(
            learning_networks::id.eq_any(
                learning_network_members::table
                    .filter(learning_network_members::organisation_id.eq(member))
                    .select(learning_network_members::network_id),
            ),
        ) as Condition
    });
    match (coordinated, joined) {
        (Some(coordinated), Some(joined)) => Box::new(coordinated.or(joined)),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => Box::new(learning_networks::id.is_null()),
    }
}

/// A network's coordinators, the lead first, read with the network's row.
const COORDINATORS: &str = "(SELECT coalesce(array_agg(c.organisation_id ORDER BY c.position), \
    '{}') FROM learning_network_coordinators c WHERE c.network_id = learning_networks.id)";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = learning_networks, check_for_backend(diesel::pg::Pg))]
struct NetworkRow {
    id: Uuid,
    name: String,
    #[diesel(select_expression = diesel::dsl::sql::<Array<diesel::sql_types::Uuid>>(COORDINATORS))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Array<diesel::sql_types::Uuid>>)]
    coordinators: Vec<Uuid>,
    target_group: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    end_reason: Option<String>,
    end_note: Option<String>,
    national_programme: bool,
    national_programme_id: Option<Uuid>,
    steering_group: serde_json::Value,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

samhandling_domain::keyed_by!(NetworkRow, created_at);

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = learning_network_members, check_for_backend(diesel::pg::Pg))]
struct MemberRow {
    id: Uuid,
    network_id: Uuid,
    organisation_id: Uuid,
    service: String,
}

impl From<&MemberRow> for MemberService {
    fn from(row: &MemberRow) -> Self {
        MemberService {
            id: row.id,
            organisation_id: row.organisation_id,
            service: row.service.clone(),
        }
    }
}

impl NetworkRow {
    fn into_network(self, members: &[MemberRow]) -> Result<LearningNetwork, StoreError> {
        Ok(LearningNetwork {
            members: members
                .iter()
                .filter(|member| member.network_id == self.id)
                .map(MemberService::from)
                .collect(),
            steering_group: serde_json::from_value(self.steering_group)
                .map_err(|error| StoreError::Corrupt(format!("steering group: {error}")))?,
            end: self
                .end_reason
                .map(|reason| -> Result<NetworkEnd, StoreError> {
                    Ok(NetworkEnd {
                        reason: parse_stored(&reason)?,
                        note: self.end_note,
                    })
                })
                .transpose()?,
            national_programme: self.national_programme,
            national_programme_id: self.national_programme_id,
            id: self.id,
            name: self.name,
            coordinators: self.coordinators,
            target_group: self.target_group,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn steering_json(steering_group: &[SteeringMember]) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(steering_group)
        .map_err(|error| StoreError::Corrupt(format!("steering group: {error}")))
}

fn end_reason(network: &LearningNetwork) -> Option<&'static str> {
    network.end.as_ref().map(|end| end.reason.as_str())
}

fn end_note(network: &LearningNetwork) -> Option<&str> {
    network.end.as_ref().and_then(|end| end.note.as_deref())
}

/// Replaces the coordinators of `network` with its list, in order (the lead at position 0).
fn set_coordinators(conn: &mut PgConnection, network: &LearningNetwork) -> Result<(), StoreError> {
    diesel::delete(
        learning_network_coordinators::table
            .filter(learning_network_coordinators::network_id.eq(network.id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = (0_i32..)
        .zip(&network.coordinators)
        .map(|(position, organisation)| {
            (
                learning_network_coordinators::network_id.eq(network.id),
                learning_network_coordinators::organisation_id.eq(*organisation),
                learning_network_coordinators::position.eq(position),
            )
        })
        .collect();
    diesel::insert_into(learning_network_coordinators::table)
        .values(rows)
        .execute(conn)?;
    Ok(())
}

/// The member services of `networks`, in the order they joined.
fn members_of(conn: &mut PgConnection, networks: &[Uuid]) -> Result<Vec<MemberRow>, StoreError> {
    Ok(learning_network_members::table
        .filter(learning_network_members::network_id.eq_any(networks))
        .select(MemberRow::as_select())
        .order((
            learning_network_members::created_at,
            learning_network_members::id,
        ))
        .load(conn)?)
}

fn with_members(
    conn: &mut PgConnection,
    rows: Vec<NetworkRow>,
) -> Result<Vec<LearningNetwork>, StoreError> {
    with_children(
        conn,
        rows,
        |row| row.id,
        members_of,
        NetworkRow::into_network,
    )
}

/// Stores a new network with its member services (their organisations checked to exist).
pub fn insert(
    conn: &mut PgConnection,
    network: &LearningNetwork,
) -> Result<LearningNetwork, StoreError> {
    diesel::insert_into(learning_networks::table)
        .values((
            learning_networks::id.eq(network.id),
            learning_networks::name.eq(&network.name),
            learning_networks::target_group.eq(&network.target_group),
            learning_networks::starts_on.eq(network.starts_on),
            learning_networks::ends_on.eq(network.ends_on),
            learning_networks::end_reason.eq(end_reason(network)),
            learning_networks::end_note.eq(end_note(network)),
            learning_networks::national_programme.eq(network.national_programme),
            learning_networks::national_programme_id.eq(network.national_programme_id),
            learning_networks::steering_group.eq(steering_json(&network.steering_group)?),
        ))
        .execute(conn)?;
    set_coordinators(conn, network)?;
    let members: Vec<_> = network
        .members
        .iter()
        .map(|member| {
            (
                learning_network_members::id.eq(member.id),
                learning_network_members::network_id.eq(network.id),
                learning_network_members::organisation_id.eq(member.organisation_id),
                learning_network_members::service.eq(&member.service),
            )
        })
        .collect();
    diesel::insert_into(learning_network_members::table)
        .values(members)
        .execute(conn)?;
    find_unscoped(conn, network.id)
}

fn find_unscoped(conn: &mut PgConnection, id: Uuid) -> Result<LearningNetwork, StoreError> {
    let row = learning_networks::table
        .find(id)
        .select(NetworkRow::as_select())
        .first(conn)?;
    assemble_one(conn, row, with_members, "a stored network vanished")
}

find_and_lock! {
    /// The network `id` if `scope` reaches it, with its member services.
    fn find / find_for_update(id: Uuid, scope: LearningNetworkScope)
        -> LearningNetwork {
        learning_networks::table
            .filter(learning_networks::id.eq(id))
            .filter(condition(scope))
            .select(NetworkRow::as_select())
    } assembled by with_members;
    /// Every change to the network, its members or its gatherings takes this lock first.
}

/// One page of the networks `scope` reaches, with their member services.
pub fn list(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    page: PageRequest,
) -> Result<Page<LearningNetwork>, StoreError> {
    let query = created_order!(learning_networks, NetworkRow).filter(condition(scope));
    pagination::load_assembled_page(conn, query, page, with_members)
}

/// Writes the changeable fields of `network` (locked and checked) as a new version.
pub fn update(
    conn: &mut PgConnection,
    network: &LearningNetwork,
) -> Result<LearningNetwork, StoreError> {
    diesel::update(learning_networks::table.find(network.id))
        .set((
            learning_networks::name.eq(&network.name),
            learning_networks::target_group.eq(&network.target_group),
            learning_networks::ends_on.eq(network.ends_on),
            learning_networks::end_reason.eq(end_reason(network)),
            learning_networks::end_note.eq(end_note(network)),
            learning_networks::national_programme.eq(network.national_programme),
            learning_networks::national_programme_id.eq(network.national_programme_id),
            learning_networks::steering_group.eq(steering_json(&network.steering_group)?),
            one_version_up!(learning_networks),
        ))
        .execute(conn)?;
    set_coordinators(conn, network)?;
    find_unscoped(conn, network.id)
}

/// Adds a member service to the network `network_id` (locked), which becomes a new version.
pub fn add_member(
    conn: &mut PgConnection,
    network_id: Uuid,
    member: &MemberService,
) -> Result<LearningNetwork, StoreError> {
    diesel::insert_into(learning_network_members::table)
        .values((
            learning_network_members::id.eq(member.id),
            learning_network_members::network_id.eq(network_id),
            learning_network_members::organisation_id.eq(member.organisation_id),
            learning_network_members::service.eq(&member.service),
        ))
        .execute(conn)?;
    diesel::update(learning_networks::table.find(network_id))
        .set((one_version_up!(learning_networks),))
        .execute(conn)?;
    find_unscoped(conn, network_id)
}

/// Whether the network `id` is a national programme, holding it as one (`FOR SHARE`) while a
/// regional network is attached to it; in no caller's scope: a programme's coordinators need not
/// be the regional network's.
pub fn is_national_programme(conn: &mut PgConnection, id: Uuid) -> Result<bool, StoreError> {
    Ok(learning_networks::table
        .find(id)
        .select(learning_networks::national_programme)
        .for_share()
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Whether any regional network belongs to the national programme `programme`.
pub fn has_regional_networks(conn: &mut PgConnection, programme: Uuid) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        learning_networks::table.filter(learning_networks::national_programme_id.eq(programme)),
    ))
    .get_result(conn)?)
}

/// The regional networks of the national programme `programme`, in the order started, with
/// their member services and how many gatherings each has had.
pub fn regional_networks(
    conn: &mut PgConnection,
    programme: Uuid,
) -> Result<Vec<(LearningNetwork, i64)>, StoreError> {
    let rows = learning_networks::table
        .filter(learning_networks::national_programme_id.eq(programme))
        .order((learning_networks::created_at, learning_networks::id))
        .select(NetworkRow::as_select())
        .load(conn)?;
    let networks = with_members(conn, rows)?;
    let ids: Vec<Uuid> = networks.iter().map(|network| network.id).collect();
    let counts: BTreeMap<Uuid, i64> = gatherings::table
        .filter(gatherings::network_id.eq_any(&ids))
        .group_by(gatherings::network_id)
        .select((gatherings::network_id, diesel::dsl::count_star()))
        .load::<(Uuid, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(networks
        .into_iter()
        .map(|network| {
            let held = counts.get(&network.id).copied().unwrap_or(0);
            (network, held)
        })
        .collect())
}

/// The names of the organisations `ids` that exist, by id: to check members and label them.
pub fn organisation_names(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, String>, StoreError> {
    Ok(organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::name))
        .load::<(Uuid, String)>(conn)?
        .into_iter()
        .collect())
}
