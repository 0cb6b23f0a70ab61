//! The one error of every use case. The HTTP layer maps it to problem+json in one place; the
//! jobs and the demo loader report it.

use samhandling_domain::group::GroupRefusal;
use samhandling_domain::lifecycle::IllegalTransition;
use samhandling_domain::referral::MoveRefusal;
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::StaleVersion;
use samhandling_persistence::StoreError;

/// Why a use case did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// The record does not exist, or lies outside the caller's scope: the two look the same.
    #[error("not found")]
    NotFound,
    /// A field of the input names a record that does not exist or that the caller may not see.
    #[error("{0} names no record")]
    MissingReference(&'static str),
    /// The caller reaches the record but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// The change conflicts with the record's state or with another record.
    #[error("{0}")]
    Conflict(String),
    /// A lifecycle refused the move.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Well-formed input that breaks a rule between fields or against what is stored; every
    /// failing field.
    #[error("the input is invalid")]
    Invalid(Vec<FieldRefusal>),
    /// The record changed since the caller read it (its `If-Match`).
    #[error(transparent)]
    StaleVersion(#[from] StaleVersion),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UseCaseError {
    /// One invalid field.
    pub fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        UseCaseError::Invalid(vec![FieldRefusal::new(field, code, message)])
    }

    /// `Ok` when nothing is refused, else every refusal at once.
    pub fn unless_refused(refusals: Vec<FieldRefusal>) -> Result<(), Self> {
        if refusals.is_empty() {
            Ok(())
        } else {
            Err(UseCaseError::Invalid(refusals))
        }
    }

    /// Maps a store error as usual, except that a violation of the unique index `constraint` is
    /// a conflict told as `message`.
    pub fn unique(
        constraint: &'static str,
        message: &'static str,
    ) -> impl Fn(StoreError) -> UseCaseError + Copy {
        move |error| match &error {
            StoreError::UniqueViolation(violated) if violated == constraint => {
                UseCaseError::Conflict(message.into())
            }
            _ => error.into(),
        }
    }
}

impl From<FieldRefusal> for UseCaseError {
    fn from(refusal: FieldRefusal) -> Self {
        UseCaseError::Invalid(vec![refusal])
    }
}

impl From<GroupRefusal> for UseCaseError {
    fn from(refusal: GroupRefusal) -> Self {
        match refusal {
            GroupRefusal::IllegalTransition(illegal) => UseCaseError::IllegalTransition(illegal),
            other => UseCaseError::Conflict(other.to_string()),
        }
    }
}

impl From<MoveRefusal> for UseCaseError {
    fn from(refusal: MoveRefusal) -> Self {
        match refusal {
            MoveRefusal::NotAParty => UseCaseError::NotFound,
            MoveRefusal::NotAllowed(illegal) => UseCaseError::IllegalTransition(illegal),
        }
    }
}
