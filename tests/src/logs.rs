//! Captures every log record of the process, so tests can assert what never reaches the logs
//! (a person's name, above all).

use std::sync::{Mutex, OnceLock};

static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if let Some(lines) = LINES.get() {
            if let Ok(mut lines) = lines.lock() {
                lines.push(format!(
                    "{} {} {}",
                    record.level(),
                    record.target(),
                    record.args()
                ));
            }
        }
    }

    fn flush(&self) {}
}

/// Starts capturing at every level (idempotent).
pub fn capture() {
    if LINES.set(Mutex::new(Vec::new())).is_ok() {
        let _ = log::set_boxed_logger(Box::new(Capture));
        log::set_max_level(log::LevelFilter::Trace);
    }
}

/// Every captured line so far.
pub fn lines() -> Vec<String> {
    LINES
        .get()
        .and_then(|lines| lines.lock().ok().map(|lines| lines.clone()))
        .unwrap_or_default()
}
