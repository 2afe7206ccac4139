//! Timestamps are stored as Unix milliseconds: the same type and ordering on SQLite and PostgreSQL.
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

pub const HOUR_MILLIS: i64 = 60 * 60 * 1000;
