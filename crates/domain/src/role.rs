//! Roles a token can carry. Each one maps to a job in the field, so that an operation's
//! permission reads like the organisation chart it serves.

use crate::organisation::OrganisationKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// What a caller may do. A token carries one or more roles for one organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Operates the platform: organisations, API clients, the audit trail.
    Admin,
    /// Refers people to self-help centres (kommunal saksbehandler, NAV-veileder).
    Referrer,
    /// Runs intake at a self-help centre (koordinator i LINK-senter).
    CentreCoordinator,
    /// Starts and follows groups or leads network meetings (igangsetter, nettverksmøteleder).
    Facilitator,
    /// Follows up trained professionals at a competence centre (rådgiver i KoRus/NAPHA).
    CompetenceAdviser,
    /// Holds dialogue meetings with municipalities (rådgiver hos Statsforvalteren).
    GovernorAdviser,
    /// A municipality's contact person for dialogue meetings and follow-up.
    MunicipalContact,
    /// Runs national or regional programmes: learning networks and their funding (rådgiver i
    /// Helsedirektoratet, KS or a regional health authority).
    ProgrammeAdviser,
}

impl Role {
    /// Every role, in a stable order, for documentation and validation messages.
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Referrer,
        Role::CentreCoordinator,
        Role::Facilitator,
        Role::CompetenceAdviser,
        Role::GovernorAdviser,
        Role::MunicipalContact,
        Role::ProgrammeAdviser,
    ];

    /// The wire name, identical to the JSON and token representation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Referrer => "referrer",
            Role::CentreCoordinator => "centre_coordinator",
            Role::Facilitator => "facilitator",
            Role::CompetenceAdviser => "competence_adviser",
            Role::GovernorAdviser => "governor_adviser",
            Role::MunicipalContact => "municipal_contact",
            Role::ProgrammeAdviser => "programme_adviser",
        }
    }
}

impl Role {
    /// The kinds of organisation this role can be held for. A role is a job in one kind of
    /// organisation: a token or an API client that pairs it with another kind is refused, so an
    /// issuer's mistake cannot make a NAV office a self-help centre or a municipality the county
    /// governor.
    ///
    /// - `admin`: the platform operator, registered as `other`.
    /// - `referrer`: municipalities and NAV offices refer.
    /// - `centre_coordinator`: self-help centres run intake.
    /// - `facilitator`: whoever employs a group starter or network-meeting leader: a self-help
    ///   centre, a municipal service, a NAV office, a user organisation or another employer; never
    ///   a competence centre or the county governor, who train and oversee rather than lead.
    /// - `competence_adviser`: competence centres (KoRus, NAPHA, KBT).
    /// - `governor_adviser`: the county governor.
    /// - `municipal_contact`: municipalities.
    /// - `programme_adviser`: national authorities and regional health authorities.
    ///
    /// A specialist health service holds `facilitator` (its staff lead network meetings), and is
    /// otherwise a member of learning networks, which needs no role.
    pub const fn organisation_kinds(self) -> &'static [OrganisationKind] {
        use OrganisationKind as Kind;
        match self {
            Role::Admin => &[Kind::Other],
            Role::Referrer => &[Kind::Municipality, Kind::NavOffice],
            Role::CentreCoordinator => &[Kind::SelfHelpCentre],
            Role::Facilitator => &[
                Kind::SelfHelpCentre,
                Kind::Municipality,
                Kind::NavOffice,
                Kind::UserOrganisation,
                Kind::SpecialistHealthService,
                Kind::Other,
            ],
            Role::CompetenceAdviser => &[Kind::CompetenceCentre],
            Role::GovernorAdviser => &[Kind::CountyGovernor],
            Role::MunicipalContact => &[Kind::Municipality],
            Role::ProgrammeAdviser => &[Kind::NationalAuthority, Kind::RegionalHealthAuthority],
        }
    }

    /// Whether the role shows people's names and contact details (a centre coordinator reads
    /// the person behind a referral). An API client holding such a role acts only once the
    /// organisation whose data it reads has approved it.
    pub const fn reads_personal_data(self) -> bool {
        matches!(self, Role::CentreCoordinator)
    }

    /// The job in a few words, for the OAuth scopes of the contract and the demo token page.
    pub const fn summary(self) -> &'static str {
        match self {
            Role::Admin => "operate the platform: organisations, API clients, the audit trail",
            Role::Referrer => "refer people to self-help centres (municipality or NAV office)",
            Role::CentreCoordinator => "run intake and groups at a self-help centre",
            Role::Facilitator => "start groups and lead and log network meetings",
            Role::CompetenceAdviser => "train and follow up professionals (competence centre)",
            Role::GovernorAdviser => "hold dialogue meetings with municipalities (county governor)",
            Role::MunicipalContact => "speak for a municipality in dialogue and coordination",
            Role::ProgrammeAdviser => "run national or regional programmes and their funding",
        }
    }

    /// Whether an organisation of `kind` can hold this role.
    pub fn fits(self, kind: OrganisationKind) -> bool {
        self.organisation_kinds().contains(&kind)
    }
}

/// The first of `roles` that an organisation of `kind` cannot hold, if any.
pub fn misfit(roles: &[Role], kind: OrganisationKind) -> Option<Role> {
    roles.iter().copied().find(|role| !role.fits(kind))
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(
                serde_json::to_value(role).ok(),
                Some(serde_json::Value::from(role.as_str()))
            );
        }
        assert!("superuser".parse::<Role>().is_err());
    }

    #[test]
    fn every_role_fits_some_kind_and_the_pairs_are_as_documented() {
        use OrganisationKind as Kind;
        for role in Role::ALL {
            assert!(!role.organisation_kinds().is_empty(), "{role}");
        }
        assert!(Role::CentreCoordinator.fits(Kind::SelfHelpCentre));
        assert!(!Role::CentreCoordinator.fits(Kind::NavOffice));
        assert!(!Role::GovernorAdviser.fits(Kind::Municipality));
        assert!(!Role::Admin.fits(Kind::SelfHelpCentre));
        assert!(Role::ProgrammeAdviser.fits(Kind::NationalAuthority));
        assert!(Role::ProgrammeAdviser.fits(Kind::RegionalHealthAuthority));
        assert!(!Role::ProgrammeAdviser.fits(Kind::CompetenceCentre));
        assert!(Role::Facilitator.fits(Kind::SpecialistHealthService));
        assert!(!Role::Referrer.fits(Kind::SpecialistHealthService));
        assert_eq!(
            misfit(
                &[Role::Referrer, Role::MunicipalContact],
                Kind::Municipality
            ),
            None
        );
        assert_eq!(
            misfit(&[Role::Referrer, Role::MunicipalContact], Kind::NavOffice),
            Some(Role::MunicipalContact)
        );
    }
}
