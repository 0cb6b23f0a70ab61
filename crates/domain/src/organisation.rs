//! Organisations: the actors that coordinate (kommuner, NAV-kontor, LINK-sentre, kompetansesentre,
//! Statsforvalteren, brukerorganisasjoner). Every record in Samhandling belongs to one, and every
//! token acts for one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

/// What sort of actor an organisation is; decides which rules and resources apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Kommune: has a kommunenummer and refers people to help.
    Municipality,
    /// NAV-kontor: labour and welfare office, refers people to groups.
    NavOffice,
    /// Selvhjelpssenter (LINK): runs intake and starts self-help groups.
    SelfHelpCentre,
    /// Kompetansesenter (KoRus, NAPHA, KBT): trains and supervises professionals.
    CompetenceCentre,
    /// Statsforvalteren: holds dialogue meetings with municipalities.
    CountyGovernor,
    /// Brukerorganisasjon (Mental Helse, RIO): represents service users.
    UserOrganisation,
    /// Nasjonal myndighet (Helsedirektoratet, KS): runs national programmes and learning
    /// networks, and funds them.
    NationalAuthority,
    /// Regionalt helseforetak (Helse Sør-Øst and the other three RHFs): funds and steers
    /// specialist health services, and sits on learning networks' steering groups.
    RegionalHealthAuthority,
    /// Spesialisthelsetjeneste (a TSB inpatient unit, a family ambulatory, a DPS): a member of
    /// learning networks beside the municipal services.
    SpecialistHealthService,
    /// Anything else that takes part.
    Other,
}

impl OrganisationKind {
    /// Every kind, in a stable order.
    pub const ALL: [OrganisationKind; 10] = [
        OrganisationKind::Municipality,
        OrganisationKind::NavOffice,
        OrganisationKind::SelfHelpCentre,
        OrganisationKind::CompetenceCentre,
        OrganisationKind::CountyGovernor,
        OrganisationKind::UserOrganisation,
        OrganisationKind::NationalAuthority,
        OrganisationKind::RegionalHealthAuthority,
        OrganisationKind::SpecialistHealthService,
        OrganisationKind::Other,
    ];

    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Municipality => "municipality",
            OrganisationKind::NavOffice => "nav_office",
            OrganisationKind::SelfHelpCentre => "self_help_centre",
            OrganisationKind::CompetenceCentre => "competence_centre",
            OrganisationKind::CountyGovernor => "county_governor",
            OrganisationKind::UserOrganisation => "user_organisation",
            OrganisationKind::NationalAuthority => "national_authority",
            OrganisationKind::RegionalHealthAuthority => "regional_health_authority",
            OrganisationKind::SpecialistHealthService => "specialist_health_service",
            OrganisationKind::Other => "other",
        }
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored kind name that this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown organisation kind `{0}`")]
pub struct UnknownKind(pub String);

impl FromStr for OrganisationKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrganisationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A kommunenummer: exactly four ASCII digits, e.g. `5035` for Stjørdal. Built only valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[0-9]{4}$", example = "5035")]
pub struct MunicipalityNumber(String);

/// A string that is not four ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a kommunenummer is exactly four digits")]
pub struct InvalidMunicipalityNumber;

impl MunicipalityNumber {
    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MunicipalityNumber {
    type Error = InvalidMunicipalityNumber;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(MunicipalityNumber(value))
        } else {
            Err(InvalidMunicipalityNumber)
        }
    }
}

impl From<MunicipalityNumber> for String {
    fn from(value: MunicipalityNumber) -> Self {
        value.0
    }
}

impl fmt::Display for MunicipalityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisasjonsnummer: the nine digits Brønnøysundregistrene gives every Norwegian legal unit,
/// the key every register and every token (Maskinporten's `consumer`, HelseID's `orgnr_*`) names an
/// organisation by. The last digit is a modulus-11 check digit, so a mistyped number is refused
/// rather than matched to nobody. Built only valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[0-9]{9}$", example = "974760673")]
pub struct OrganisationNumber(String);

/// A string that is not nine digits with a valid modulus-11 check digit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an organisasjonsnummer is nine digits whose last is its modulus-11 check digit")]
pub struct InvalidOrganisationNumber;

impl OrganisationNumber {
    /// Brønnøysund's weights for the first eight digits.
    const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check digit the first eight digits call for, or `None` when they call for 10: such
    /// numbers are never issued.
    fn check_digit(first_eight: &[u8]) -> Option<u32> {
        let sum: u32 = first_eight
            .iter()
            .zip(Self::WEIGHTS)
            .map(|(digit, weight)| u32::from(digit - b'0') * weight)
            .sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            digit => Some(digit),
        }
    }
}

impl TryFrom<String> for OrganisationNumber {
    type Error = InvalidOrganisationNumber;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let bytes = value.as_bytes();
        if bytes.len() != 9 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(InvalidOrganisationNumber);
        }
        match OrganisationNumber::check_digit(&bytes[..8]) {
            Some(digit) if digit == u32::from(bytes[8] - b'0') => Ok(OrganisationNumber(value)),
            _ => Err(InvalidOrganisationNumber),
        }
    }
}

impl FromStr for OrganisationNumber {
    type Err = InvalidOrganisationNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrganisationNumber::try_from(s.to_owned())
    }
}

impl From<OrganisationNumber> for String {
    fn from(value: OrganisationNumber) -> Self {
        value.0
    }
}

impl fmt::Display for OrganisationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61",
    "kind": "municipality",
    "name": "Stjørdal kommune",
    "municipality_number": "5035",
    "county": "Trøndelag",
    "region": "Værnesregionen",
    "county_number": null,
    "organisation_number": null,
    "version": 1,
    "created_at": "2026-11-23T10:00:00Z",
    "updated_at": "2026-11-23T10:00:00Z"
}))]
pub struct Organisation {
    /// Identifier (UUIDv7).
    pub id: Uuid,
    /// What sort of actor this is.
    pub kind: OrganisationKind,
    /// Display name, e.g. "LINK Trondheim".
    pub name: String,
    /// Kommunenummer: required for and unique among municipalities; for others, where they are.
    pub municipality_number: Option<MunicipalityNumber>,
    /// Fylke, e.g. "Trøndelag".
    pub county: Option<String>,
    /// Inter-municipal region, e.g. "Værnesregionen".
    pub region: Option<String>,
    /// Fylkesnummer of the county a county governor covers, e.g. `50` for Trøndelag: it acts on
    /// dialogue meetings with the municipalities whose kommunenummer starts with it.
    pub county_number: Option<String>,
    /// Organisasjonsnummer, unique: how tokens from Maskinporten and HelseID name the organisation.
    /// Optional, since the operator may register an organisation before its number is known.
    pub organisation_number: Option<OrganisationNumber>,
    /// Increases with every change; the `ETag` and `If-Match` value.
    pub version: i32,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// The fields of an organisation that a client sets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDraft {
    /// See [`Organisation::kind`].
    pub kind: OrganisationKind,
    /// See [`Organisation::name`].
    pub name: String,
    /// See [`Organisation::municipality_number`].
    pub municipality_number: Option<MunicipalityNumber>,
    /// See [`Organisation::county`].
    pub county: Option<String>,
    /// See [`Organisation::region`].
    pub region: Option<String>,
    /// See [`Organisation::county_number`].
    pub county_number: Option<String>,
    /// See [`Organisation::organisation_number`].
    #[serde(default)]
    pub organisation_number: Option<OrganisationNumber>,
}

/// A change to an organisation: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationChanges {
    /// New name.
    pub name: Option<String>,
    /// New or cleared kommunenummer.
    pub municipality_number: Option<Option<MunicipalityNumber>>,
    /// New or cleared county.
    pub county: Option<Option<String>>,
    /// New or cleared region.
    pub region: Option<Option<String>>,
    /// New or cleared county number.
    pub county_number: Option<Option<String>>,
    /// New or cleared organisasjonsnummer.
    pub organisation_number: Option<Option<OrganisationNumber>>,
}

/// A rule an organisation would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrganisationRule {
    /// Municipalities are identified by their kommunenummer.
    #[error("a municipality must have a municipality_number")]
    MunicipalityNeedsNumber,
    /// Only a county governor covers a county.
    #[error("only a county governor has a county_number")]
    CountyNumberIsForGovernors,
}

impl OrganisationRule {
    /// The field the rule concerns, for validation reports.
    pub const fn field(self) -> &'static str {
        match self {
            OrganisationRule::MunicipalityNeedsNumber => "municipality_number",
            OrganisationRule::CountyNumberIsForGovernors => "county_number",
        }
    }
}

impl OrganisationDraft {
    /// Checks the rules that span fields; shape (lengths, digits) is checked where input is parsed.
    pub fn check(&self) -> Result<(), OrganisationRule> {
        if self.kind == OrganisationKind::Municipality && self.municipality_number.is_none() {
            return Err(OrganisationRule::MunicipalityNeedsNumber);
        }
        if self.kind != OrganisationKind::CountyGovernor && self.county_number.is_some() {
            return Err(OrganisationRule::CountyNumberIsForGovernors);
        }
        Ok(())
    }

    /// The draft that results from applying `changes`, checked.
    pub fn apply(mut self, changes: OrganisationChanges) -> Result<Self, OrganisationRule> {
        if let Some(name) = changes.name {
            self.name = name;
        }
        if let Some(number) = changes.municipality_number {
            self.municipality_number = number;
        }
        if let Some(county) = changes.county {
            self.county = county;
        }
        if let Some(region) = changes.region {
            self.region = region;
        }
        if let Some(county_number) = changes.county_number {
            self.county_number = county_number;
        }
        if let Some(organisation_number) = changes.organisation_number {
            self.organisation_number = organisation_number;
        }
        self.check()?;
        Ok(self)
    }
}

impl From<Organisation> for OrganisationDraft {
    fn from(organisation: Organisation) -> Self {
        OrganisationDraft {
            kind: organisation.kind,
            name: organisation.name,
            municipality_number: organisation.municipality_number,
            county: organisation.county,
            region: organisation.region,
            county_number: organisation.county_number,
            organisation_number: organisation.organisation_number,
        }
    }
}

crate::page::keyed_by!(Organisation, created_at);
crate::versioned!(Organisation);

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> Option<MunicipalityNumber> {
        MunicipalityNumber::try_from(s.to_owned()).ok()
    }

    fn organisation_number(s: &str) -> Option<OrganisationNumber> {
        s.parse().ok()
    }

    #[test]
    fn an_organisation_number_carries_its_modulus_11_check_digit() {
        // Brønnøysundregistrene's own number, and a number whose check digit comes out as 11 → 0.
        assert!(organisation_number("974760673").is_some());
        assert!(organisation_number("000000000").is_some());
        // One digit off, transposed, too short, too long, not ASCII digits.
        assert!(organisation_number("974760674").is_none());
        assert!(organisation_number("947760673").is_none());
        assert!(organisation_number("97476067").is_none());
        assert!(organisation_number("9747606730").is_none());
        assert!(organisation_number("97476067a").is_none());
        assert!(organisation_number("９74760673").is_none());
    }

    #[test]
    fn a_number_whose_check_digit_would_be_10_is_never_valid() {
        // Some first eight digits call for a check digit of 10; no ninth digit makes them valid.
        let calls_for_ten = (10_000_000u32..10_000_100)
            .map(|n| n.to_string())
            .find(|eight| OrganisationNumber::check_digit(eight.as_bytes()).is_none())
            .expect("some eight digits call for 10");
        for last in 0..=9 {
            assert!(organisation_number(&format!("{calls_for_ten}{last}")).is_none());
        }
    }

    #[test]
    fn kommunenummer_is_exactly_four_digits() {
        assert!(number("5035").is_some());
        assert!(number("0301").is_some());
        assert!(number("503").is_none());
        assert!(number("50355").is_none());
        assert!(number("50a5").is_none());
        assert!(number("５０３５").is_none());
    }

    #[test]
    fn a_municipality_needs_its_number_and_keeps_it() {
        let draft = OrganisationDraft {
            kind: OrganisationKind::Municipality,
            name: "Selbu kommune".into(),
            municipality_number: None,
            county: None,
            region: None,
            county_number: None,
            organisation_number: None,
        };
        assert_eq!(
            draft.check(),
            Err(OrganisationRule::MunicipalityNeedsNumber)
        );
        let draft = OrganisationDraft {
            municipality_number: number("5032"),
            ..draft
        };
        assert_eq!(draft.check(), Ok(()));
        let cleared = OrganisationChanges {
            municipality_number: Some(None),
            ..OrganisationChanges::default()
        };
        assert_eq!(
            draft.apply(cleared),
            Err(OrganisationRule::MunicipalityNeedsNumber)
        );
    }

    #[test]
    fn other_kinds_need_no_number() {
        let draft = OrganisationDraft {
            kind: OrganisationKind::SelfHelpCentre,
            name: "LINK Trondheim".into(),
            municipality_number: None,
            county: None,
            region: None,
            county_number: None,
            organisation_number: None,
        };
        assert_eq!(draft.check(), Ok(()));
    }
}
