//! A refusal of one input field by a rule that only the domain or stored records can check (a
//! rule between two fields, or against what is stored). Every such rule answers with these, so a
//! 422 can list every failing field at once.

/// One field refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRefusal {
    /// Dotted path of the field, e.g. `municipalities[2]`.
    pub field: String,
    /// Machine-readable reason.
    pub code: &'static str,
    /// What to fix, for people; never the value itself.
    pub message: String,
}

impl FieldRefusal {
    /// `field` refused for `code`, told as `message`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldRefusal {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}
