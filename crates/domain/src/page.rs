//! Keyset pagination: a page ends at a position, and the next page starts strictly after it,
//! so the cost of a page never grows with the table and concurrent inserts never shift pages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a page ended, in the stable order every list uses: `(created_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The sort key's first part.
    pub created_at: DateTime<Utc>,
    /// The tie-breaker, unique.
    pub id: Uuid,
}

/// A record a list pages through: where it sits in the list's order.
pub trait Keyed {
    /// Its position, `(time, id)`.
    fn position(&self) -> Position;
}

/// Implements [`Keyed`] for a record listed by `(<time field>, id)`.
#[macro_export]
macro_rules! keyed_by {
    ($record:ty, $time:ident) => {
        impl $crate::page::Keyed for $record {
            fn position(&self) -> $crate::page::Position {
                $crate::page::Position {
                    created_at: self.$time,
                    id: self.id,
                }
            }
        }
    };
}

pub use keyed_by;

/// How many items a page may hold, and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Maximum number of items, already checked to lie in [`PageRequest::MIN_LIMIT`]..=[`PageRequest::MAX_LIMIT`].
    pub limit: u16,
    /// Start strictly after this position; `None` starts at the beginning.
    pub after: Option<Position>,
}

impl PageRequest {
    /// Smallest page a client may ask for.
    pub const MIN_LIMIT: u16 = 1;
    /// Largest page a client may ask for: bounds the cost of one request.
    pub const MAX_LIMIT: u16 = 200;
    /// The page size when the client names none.
    pub const DEFAULT_LIMIT: u16 = 50;
}

/// One page of items, and where the next one starts if there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items in `(created_at, id)` order.
    pub items: Vec<T>,
    /// The last item's position when more items follow.
    pub next: Option<Position>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra row only tells that
    /// another page exists, and is dropped.
    pub fn from_overfetched(
        mut rows: Vec<T>,
        limit: u16,
        position: impl Fn(&T) -> Position,
    ) -> Self {
        let limit = usize::from(limit);
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(&position)
        } else {
            None
        };
        Page { items: rows, next }
    }

    /// Converts every item, keeping the position.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: u128) -> Position {
        Position {
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            id: Uuid::from_u128(n),
        }
    }

    #[test]
    fn an_extra_row_means_another_page() {
        let page = Page::from_overfetched(vec![1, 2, 3], 2, |n| at(*n));
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next, Some(at(2)));
    }

    #[test]
    fn no_extra_row_means_last_page() {
        let page = Page::from_overfetched(vec![1, 2], 2, |n| at(*n));
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next, None);
    }
}
