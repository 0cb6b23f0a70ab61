//! Enumerations on the wire: one spelling for storage, JSON and the OpenAPI enum.

/// A stored or sent name this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownName {
    /// Which enumeration.
    pub what: &'static str,
    /// The name found.
    pub name: String,
}

/// Declares a wire enum whose names are the given `$wire` literals (never derived from the
/// variant names, which cannot spell `18_29`), with `ALL`, `as_str` and
/// `FromStr`, so storage, JSON and the OpenAPI enum share one spelling.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and storage name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::wire::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| $crate::wire::UnknownName { what: stringify!($name), name: s.to_owned() })
            }
        }
    };
}

pub(crate) use wire_enum;

/// The names a schema's `enum` lists, for tests that the documented enum is the one sent.
#[cfg(test)]
pub(crate) fn schema_names<T: utoipa::PartialSchema>() -> Vec<String> {
    serde_json::to_value(T::schema()).unwrap_or_default()["enum"]
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::schema_names;

    fn wire_names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|value| as_str(*value).to_owned()).collect()
    }

    /// The published enum is the wire spelling even where no variant name could spell it
    /// (`18_29`, `http_4xx`): the schema is generated from the same literal serde uses.
    #[test]
    fn the_schema_spells_names_that_no_variant_name_could() {
        use crate::network_meeting::AgeGroup;
        use crate::webhook::DeliveryOutcome;
        assert_eq!(
            schema_names::<AgeGroup>(),
            wire_names(AgeGroup::ALL, AgeGroup::as_str)
        );
        assert_eq!(schema_names::<AgeGroup>()[1], "18_29");
        assert_eq!(
            schema_names::<DeliveryOutcome>(),
            wire_names(DeliveryOutcome::ALL, DeliveryOutcome::as_str)
        );
    }
}
