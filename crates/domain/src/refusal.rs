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

    /// `list[index]` refused for `code` for each entry of `list` that `fails`: the check of a
    /// list whose every entry must name something known, each failing entry told apart.
    pub fn each<T>(
        list: &str,
        entries: &[T],
        mut fails: impl FnMut(&T) -> bool,
        code: &'static str,
        message: &'static str,
    ) -> impl Iterator<Item = FieldRefusal> {
        let failing = entries.iter().enumerate().filter(|(_, entry)| fails(entry));
        let failing: Vec<usize> = failing.map(|(index, _)| index).collect();
        let list = list.to_owned();
        failing
            .into_iter()
            .map(move |index| FieldRefusal::new(format!("{list}[{index}]"), code, message))
    }
}
