//! Where something is held: digitally, at a place, or both. Courses, gatherings and dialogue
//! meetings share the one rule that something not digital needs its place.

use crate::refusal::FieldRefusal;

/// A venue that says where: digital, or with a place (a digital event may name a place too).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Venue {
    place: Option<String>,
    digital: bool,
}

impl Venue {
    /// The venue of `what` ("a course") at `place`, digital or not; refused on the field
    /// `place` when it is neither digital nor at a place.
    pub fn new(
        what: &'static str,
        place: Option<String>,
        digital: bool,
    ) -> Result<Venue, FieldRefusal> {
        if digital || place.is_some() {
            Ok(Venue { place, digital })
        } else {
            Err(FieldRefusal::new(
                "place",
                "required",
                format!("{what} that is not digital needs its place"),
            ))
        }
    }

    /// The place, if any.
    pub fn place(&self) -> Option<&str> {
        self.place.as_deref()
    }

    /// Whether it is held digitally.
    pub fn digital(&self) -> bool {
        self.digital
    }

    /// The place and the digital flag, as stored.
    pub fn into_parts(self) -> (Option<String>, bool) {
        (self.place, self.digital)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn something_not_digital_needs_its_place() {
        assert!(Venue::new("a course", None, true).is_ok());
        assert!(Venue::new("a course", Some("Rådhuset".into()), false).is_ok());
        let refused = Venue::new("a course", None, false).err();
        assert_eq!(
            refused.map(|r| (r.field, r.message)),
            Some((
                "place".to_owned(),
                "a course that is not digital needs its place".to_owned()
            ))
        );
    }
}
