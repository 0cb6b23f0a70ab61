//! The one lifecycle mechanism. Every record that moves through statuses (referral, group,
//! enrolment, dialogue meeting, follow-up action) names its statuses' allowed moves here, and
//! every refused move is the same [`IllegalTransition`], which the API answers as one 409 with
//! `allowed_transitions`.

use std::fmt;

/// A status of some record, as refusals name it.
pub trait Status: Copy + Eq + fmt::Display + 'static {
    /// The record, as a refusal names it ("a group").
    const RECORD: &'static str;

    /// The status as the wire spells it.
    fn wire_name(self) -> &'static str;
}

/// A status whose moves depend on the status alone (a referral's depend on the party too, so it
/// is a [`Status`] checked with [`check_among`]).
pub trait Lifecycle: Status {
    /// The statuses a record may move to from this one.
    fn allowed_transitions(self) -> Vec<Self>;

    /// Checks a move from this status to `to`.
    fn check_transition(self, to: Self) -> Result<(), IllegalTransition> {
        check_among(self, to, &self.allowed_transitions())
    }
}

/// A refused move: what was asked, and the statuses the caller may move to instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct IllegalTransition {
    /// What was refused, for people. Never a status the caller may not see.
    pub detail: String,
    /// The statuses allowed instead, as the wire spells them.
    pub allowed: Vec<&'static str>,
}

impl IllegalTransition {
    /// A refusal told as a rule (`detail`) rather than as the current status, for a party that
    /// may not see the status.
    pub fn told_as<S: Status>(detail: impl Into<String>, allowed: &[S]) -> IllegalTransition {
        IllegalTransition {
            detail: detail.into(),
            allowed: allowed.iter().map(|status| status.wire_name()).collect(),
        }
    }
}

/// Checks a move from `from` to `to` against `allowed`, the moves open to this caller (which,
/// for a referral, depend on the party as well as the status).
pub fn check_among<S: Status>(from: S, to: S, allowed: &[S]) -> Result<(), IllegalTransition> {
    if allowed.contains(&to) {
        return Ok(());
    }
    Err(IllegalTransition::told_as(
        format!("{} cannot move from {from} to {to}", S::RECORD),
        allowed,
    ))
}

/// The moves open to a caller who is each of `parties` to a record, where `allowed` gives one
/// party's moves: every party's, once each, in the status order (a record whose moves depend on
/// the party, and whose caller may be more than one party to it).
pub fn open_to_parties<S: Status + Ord, P>(
    parties: impl IntoIterator<Item = P>,
    allowed: impl Fn(P) -> Vec<S>,
) -> Vec<S> {
    let mut open: Vec<S> = parties.into_iter().flat_map(allowed).collect();
    open.sort_unstable();
    open.dedup();
    open
}

/// Implements [`Status`] for a `wire_enum!` status, and [`Lifecycle`] when its inherent
/// `allowed_transitions` takes the status alone.
macro_rules! lifecycle {
    (status $status:ty, $record:literal) => {
        impl $crate::lifecycle::Status for $status {
            const RECORD: &'static str = $record;

            fn wire_name(self) -> &'static str {
                self.as_str()
            }
        }
    };
    ($status:ty, $record:literal) => {
        $crate::lifecycle::lifecycle!(status $status, $record);

        impl $crate::lifecycle::Lifecycle for $status {
            fn allowed_transitions(self) -> Vec<Self> {
                <$status>::allowed_transitions(self)
            }
        }
    };
}
pub(crate) use lifecycle;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::EnrolmentStatus;
    use crate::dialogue::{ActionStatus, DialogueStatus};
    use crate::group::GroupStatus;
    use crate::outreach::OutreachStatus;

    /// Every status of `S` refuses exactly the moves its table leaves out, naming that table.
    fn refuses_all_but_its_table<S: Lifecycle + fmt::Debug>(all: &[S]) {
        for &from in all {
            for &to in all {
                let allowed = from.allowed_transitions();
                match from.check_transition(to) {
                    Ok(()) => assert!(allowed.contains(&to), "{from:?} → {to:?}"),
                    Err(refusal) => {
                        assert!(!allowed.contains(&to), "{from:?} → {to:?}");
                        let names: Vec<&str> = allowed.iter().map(|s| s.wire_name()).collect();
                        assert_eq!(refusal.allowed, names);
                        assert!(refusal.detail.starts_with(S::RECORD));
                    }
                }
            }
        }
    }

    #[test]
    fn every_lifecycle_refuses_through_one_mechanism() {
        refuses_all_but_its_table(GroupStatus::ALL);
        refuses_all_but_its_table(EnrolmentStatus::ALL);
        refuses_all_but_its_table(DialogueStatus::ALL);
        refuses_all_but_its_table(ActionStatus::ALL);
        refuses_all_but_its_table(OutreachStatus::ALL);
    }

    #[test]
    fn a_dialogue_meeting_moves_along_its_line_only() {
        let refusal = DialogueStatus::Planned
            .check_transition(DialogueStatus::Closed)
            .err();
        assert_eq!(
            refusal.map(|r| r.allowed),
            Some(vec![DialogueStatus::Held.as_str()])
        );
    }
}
