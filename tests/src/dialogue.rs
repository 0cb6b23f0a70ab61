//! The county governor's dialogue: where its meetings and the collaboration needs they record are
//! addressed.

/// The URI of the dialogue meeting `id`.
pub fn meeting_uri(id: impl std::fmt::Display) -> String {
    format!("/api/v1/dialogue-meetings/{id}")
}

/// The URI of the collaboration need `id`.
pub fn need_uri(id: impl std::fmt::Display) -> String {
    format!("/api/v1/collaboration-needs/{id}")
}
