//! When dated facts are coherent with each other. A record's date may not lie before what it
//! belongs to (an intake before its referral, a departure before its joining), nor further into
//! the future than [`FUTURE_MARGIN`] allows for clocks and time zones, for things that have
//! happened. A date outside these bounds would be stored and counted in the wrong year's
//! statistics, so it is refused. Times are checked with [`check_happened`], calendar dates (a
//! session's or a visit's day) with [`check_happened_on`].

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// How far past "now" the time of something that has happened may lie: a day covers clocks that
/// differ and a date entered in Norwegian time.
pub const FUTURE_MARGIN: TimeDelta = TimeDelta::days(1);

/// How far from today a meeting's date may lie, ahead (a plan) or back (recorded afterwards):
/// further is a typing error (2062 for 2026), and would be counted in another year.
pub const MEETING_HORIZON: TimeDelta = TimeDelta::days(2 * 366);

/// Why a dated fact is incoherent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateRefusal {
    /// Before what it belongs to.
    #[error("it cannot be before {0}")]
    BeforeItsStart(&'static str),
    /// Further into the future than the margin.
    #[error("it has happened, so it cannot be later than a day from now")]
    InTheFuture,
    /// Further from today than [`MEETING_HORIZON`].
    #[error("it lies more than two years from today")]
    BeyondHorizon,
}

impl DateRefusal {
    /// The code a 422 names.
    pub const fn code(self) -> &'static str {
        match self {
            DateRefusal::BeforeItsStart(_) => "before_start",
            DateRefusal::InTheFuture => "in_the_future",
            DateRefusal::BeyondHorizon => "beyond_horizon",
        }
    }
}

/// Checks the time `at` of something that has happened: not before `start` (what it belongs to,
/// named `start_name` in the refusal) and not past `now` plus [`FUTURE_MARGIN`].
pub fn check_happened(
    at: DateTime<Utc>,
    start: DateTime<Utc>,
    start_name: &'static str,
    now: DateTime<Utc>,
) -> Result<(), DateRefusal> {
    if at < start {
        return Err(DateRefusal::BeforeItsStart(start_name));
    }
    if at > now + FUTURE_MARGIN {
        return Err(DateRefusal::InTheFuture);
    }
    Ok(())
}

/// Checks the calendar date `on` of something that has happened: not before the date `start`
/// (what it belongs to, named `start_name`), and not past the date of `now` plus
/// [`FUTURE_MARGIN`].
///
/// Dates are compared in UTC, with the one-day margin standing in for Norway's time zone: a
/// Norwegian date is never earlier than the UTC date of the same moment, and at most one day
/// later. So a `start` taken from a time ([`DateTime::date_naive`], its UTC date) never refuses
/// a Norwegian date on or after it, and today's date in Norway always passes; a date is refused
/// as in the future only when it lies after tomorrow in UTC, which is in the future everywhere in
/// Norway.
pub fn check_happened_on(
    on: NaiveDate,
    start: NaiveDate,
    start_name: &'static str,
    now: DateTime<Utc>,
) -> Result<(), DateRefusal> {
    if on < start {
        return Err(DateRefusal::BeforeItsStart(start_name));
    }
    if on > (now + FUTURE_MARGIN).date_naive() {
        return Err(DateRefusal::InTheFuture);
    }
    Ok(())
}

/// Checks the calendar date `on` of something that has happened and belongs to nothing dated
/// before it (a meeting's log): not past the date of `now` plus [`FUTURE_MARGIN`].
pub fn check_past_on(on: NaiveDate, now: DateTime<Utc>) -> Result<(), DateRefusal> {
    check_happened_on(on, NaiveDate::MIN, "", now)
}

/// Checks the calendar date `on` of a meeting that may be planned ahead or recorded afterwards:
/// within [`MEETING_HORIZON`] of the date of `now`, either way.
pub fn check_within_horizon(on: NaiveDate, now: DateTime<Utc>) -> Result<(), DateRefusal> {
    let today = now.date_naive();
    if on < today - MEETING_HORIZON || on > today + MEETING_HORIZON {
        return Err(DateRefusal::BeyondHorizon);
    }
    Ok(())
}

impl DateRefusal {
    /// The refusal as the 422 lists it, for the dated field `field`.
    pub fn at(self, field: impl Into<String>) -> crate::refusal::FieldRefusal {
        crate::refusal::FieldRefusal::new(field, self.code(), self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_lies_between_its_start_and_a_day_from_now() {
        let now = Utc::now();
        let start = now - TimeDelta::days(30);
        assert_eq!(check_happened(start, start, "the referral", now), Ok(()));
        assert_eq!(
            check_happened(now + TimeDelta::hours(23), start, "x", now),
            Ok(())
        );
        assert_eq!(
            check_happened(start - TimeDelta::seconds(1), start, "the referral", now),
            Err(DateRefusal::BeforeItsStart("the referral"))
        );
        assert_eq!(
            check_happened(now + TimeDelta::days(2), start, "x", now),
            Err(DateRefusal::InTheFuture)
        );
    }

    #[test]
    fn a_meeting_lies_within_two_years_of_today() {
        let now = Utc::now();
        let today = now.date_naive();
        assert_eq!(
            check_within_horizon(today + TimeDelta::days(700), now),
            Ok(())
        );
        assert_eq!(
            check_within_horizon(today - TimeDelta::days(700), now),
            Ok(())
        );
        for far in [today + TimeDelta::days(800), today - TimeDelta::days(800)] {
            assert_eq!(
                check_within_horizon(far, now),
                Err(DateRefusal::BeyondHorizon)
            );
        }
    }

    #[test]
    fn a_date_lies_between_its_start_and_tomorrow() {
        let now = Utc::now();
        let today = now.date_naive();
        let start = today - TimeDelta::days(30);
        let tomorrow = today + TimeDelta::days(1);
        assert_eq!(check_happened_on(start, start, "x", now), Ok(()));
        assert_eq!(check_happened_on(tomorrow, start, "x", now), Ok(()));
        assert_eq!(
            check_happened_on(
                start - TimeDelta::days(1),
                start,
                "the group was created",
                now
            ),
            Err(DateRefusal::BeforeItsStart("the group was created"))
        );
        assert_eq!(
            check_happened_on(today + TimeDelta::days(2), start, "x", now),
            Err(DateRefusal::InTheFuture)
        );
    }
}
