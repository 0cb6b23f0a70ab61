//! The log's format: env_logger's text lines, or one JSON object a line for log shippers
//! (`LOG_FORMAT=json`). Either way a line holds what the code logged and nothing more: the
//! request log carries ids, method, path, status and duration, never bodies or query strings.

use chrono::{SecondsFormat, Utc};
use std::io::Write;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// env_logger's lines (the default).
    Text,
    /// One JSON object a line: `timestamp`, `level`, `target`, `message`.
    Json,
}

/// A `LOG_FORMAT` that is neither `text` nor `json`.
#[derive(Debug, thiserror::Error)]
#[error("LOG_FORMAT must be text or json, not {0:?}")]
pub struct UnknownLogFormat(String);

impl LogFormat {
    /// The format `LOG_FORMAT` names; text when it is unset.
    pub fn from_env(value: Option<&str>) -> Result<LogFormat, UnknownLogFormat> {
        match value.map(str::trim) {
            None | Some("" | "text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(UnknownLogFormat(other.to_owned())),
        }
    }
}

/// One record as a JSON line, without its newline.
pub fn json_line(level: log::Level, target: &str, message: &str) -> String {
    serde_json::json!({
        "timestamp": Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        "level": level.as_str(),
        "target": target,
        "message": message,
    })
    .to_string()
}

/// Installs the process's logger in `format`, filtered by `RUST_LOG` (`info` when unset).
pub fn init(format: LogFormat) {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if format == LogFormat::Json {
        builder.format(|out, record| {
            let message = record.args().to_string();
            writeln!(
                out,
                "{}",
                json_line(record.level(), record.target(), &message)
            )
        });
    }
    builder.init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_text_unless_json_is_asked_for() {
        assert_eq!(LogFormat::from_env(None).ok(), Some(LogFormat::Text));
        assert_eq!(
            LogFormat::from_env(Some("text")).ok(),
            Some(LogFormat::Text)
        );
        assert_eq!(
            LogFormat::from_env(Some("json")).ok(),
            Some(LogFormat::Json)
        );
        assert!(LogFormat::from_env(Some("logfmt")).is_err());
    }

    #[test]
    fn a_json_line_is_one_object_holding_the_message_as_logged() {
        let message = "request_id=abc trace_id=4bf92f3577b34da6a3ce929d0e0e4736 GET \
                       /api/v1/referrals/1 404 3ms \"quoted\"\nsecond line";
        let line = json_line(log::Level::Info, "samhandling::access", message);
        assert!(!line.contains('\n'), "one line: {line}");
        let parsed: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(parsed["level"], "INFO");
        assert_eq!(parsed["target"], "samhandling::access");
        assert_eq!(parsed["message"], message);
        assert_eq!(
            parsed.as_object().map(serde_json::Map::len),
            Some(4),
            "nothing but the four fields: {line}"
        );
    }
}
