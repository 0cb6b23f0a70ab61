//! What a token's signature cannot prove: that its organisation exists, that an organisation of
//! that kind can hold the roles it grants, and, for an API client's token, that the client has not
//! been revoked since. Checked for every authenticated request, in one place, by the caller
//! extractor.
//!
//! Organisations are never deleted and their kind never changes, so a kind once read is true
//! forever and is remembered for the life of the process: the check costs a database read once
//! per organisation and instance, not once per request. A missing organisation is never
//! remembered, because another instance may create it a moment later. A client's standing is
//! remembered for [`CLIENT_RECHECK`] only, so a revocation reaches every instance within that time.

use crate::db::Database;
use crate::error::ApiError;
use samhandling_auth::CLIENT_SUBJECT_PREFIX;
use samhandling_domain::organisation::{OrganisationKind, OrganisationNumber};
use samhandling_domain::role::misfit;
use samhandling_domain::Caller;
use samhandling_persistence::{api_clients, organisations};
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long an API client's standing is trusted before it is read again.
pub const CLIENT_RECHECK: Duration = Duration::from_secs(5);

/// The remembered facts; shared by the worker threads of one instance.
#[derive(Debug)]
pub struct Directory {
    client_recheck: Duration,
    kinds: RwLock<HashMap<Uuid, OrganisationKind>>,
    /// Per client: the organisation it acts for while active (`None` when revoked or unknown).
    clients: RwLock<HashMap<Uuid, (Option<Uuid>, Instant)>>,
    /// Per organisation number: the organisation holding it. The operator may move or clear a
    /// number, so it is read again after [`CLIENT_RECHECK`] like a client's standing.
    numbers: RwLock<HashMap<OrganisationNumber, (Uuid, Instant)>>,
}

impl Default for Directory {
    fn default() -> Self {
        Directory::rechecking_clients_after(CLIENT_RECHECK)
    }
}

impl Directory {
    /// A directory that trusts a client's standing for `client_recheck` (tests use zero).
    pub fn rechecking_clients_after(client_recheck: Duration) -> Directory {
        Directory {
            client_recheck,
            kinds: RwLock::default(),
            clients: RwLock::default(),
            numbers: RwLock::default(),
        }
    }

    /// Admits `caller` or says why not: 403 for an organisation that is not in the directory or
    /// cannot hold one of the token's roles, 401 for the token of a revoked, unknown or
    /// unapproved client.
    pub async fn admit(&self, database: &Database, caller: &Caller) -> Result<(), ApiError> {
        let kind = self
            .kind_of(database, caller.organisation_id.uuid())
            .await?
            .ok_or_else(|| {
                ApiError::Forbidden("the token's organisation is not in the directory".into())
            })?;
        if let Some(role) = misfit(&caller.roles, kind) {
            return Err(ApiError::Forbidden(format!(
                "an organisation of kind {kind} cannot hold the role {role}"
            )));
        }
        if let Some(client) = caller.subject.strip_prefix(CLIENT_SUBJECT_PREFIX) {
            let revoked = || {
                ApiError::Unauthorized(
                    "the API client is revoked, unknown or awaiting its organisation's approval"
                        .into(),
                )
            };
            let client = Uuid::parse_str(client).map_err(|_| revoked())?;
            if !self
                .client_in_good_standing(database, client, caller.organisation_id.uuid())
                .await?
            {
                return Err(revoked());
            }
        }
        Ok(())
    }

    /// The first of `numbers` an organisation in the directory holds, with that organisation;
    /// `None` when it holds none of them.
    pub async fn organisation_by_number(
        &self,
        database: &Database,
        numbers: &[OrganisationNumber],
    ) -> Result<Option<(OrganisationNumber, Uuid)>, ApiError> {
        for number in numbers {
            let remembered = self
                .numbers
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .get(number)
                .filter(|(_, read_at)| read_at.elapsed() < self.client_recheck)
                .map(|(id, _)| *id);
            if let Some(id) = remembered {
                return Ok(Some((number.clone(), id)));
            }
            let wanted = number.clone();
            let found = crate::db::run(database, move |conn| {
                Ok(organisations::find_by_organisation_number(conn, &wanted)?)
            })
            .await?;
            if let Some(found) = found {
                self.kinds
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(found.id, found.kind);
                self.numbers
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(number.clone(), (found.id, Instant::now()));
                return Ok(Some((number.clone(), found.id)));
            }
        }
        Ok(None)
    }

    async fn kind_of(
        &self,
        database: &Database,
        organisation: Uuid,
    ) -> Result<Option<OrganisationKind>, ApiError> {
        let known = self
            .kinds
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&organisation)
            .copied();
        if known.is_some() {
            return Ok(known);
        }
        let found = crate::db::run(database, move |conn| {
            Ok(organisations::find(conn, organisation)?.map(|found| found.kind))
        })
        .await?;
        if let Some(kind) = found {
            self.kinds
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(organisation, kind);
        }
        Ok(found)
    }

    async fn client_in_good_standing(
        &self,
        database: &Database,
        client: Uuid,
        organisation: Uuid,
    ) -> Result<bool, ApiError> {
        let remembered = self
            .clients
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&client)
            .filter(|(_, read_at)| read_at.elapsed() < self.client_recheck)
            .map(|(acts_for, _)| *acts_for);
        let acts_for = if let Some(acts_for) = remembered {
            acts_for
        } else {
            let acts_for = crate::db::run(database, move |conn| {
                Ok(api_clients::find(conn, client)?
                    .filter(samhandling_domain::api_client::ApiClient::is_active)
                    .map(|found| found.organisation_id))
            })
            .await?;
            self.clients
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(client, (acts_for, Instant::now()));
            acts_for
        };
        Ok(acts_for == Some(organisation))
    }
}
