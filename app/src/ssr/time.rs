//! Timestamps are stored as Unix milliseconds: the same type and ordering on
//! SQLite and PostgreSQL. The current time comes from the app state's
//! `Clock`. Builds with the `test-clock` feature (integration tests only;
//! never the shipped binary, which has no way to move it) can move it
//! forward, so expiry and reminders are tested without sleeping.

pub const HOUR_MILLIS: i64 = 60 * 60 * 1000;

/// The time as the app sees it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system time.
    #[cfg(feature = "test-clock")]
    offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now_millis(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        #[cfg(feature = "test-clock")]
        let system = system + self.offset.load(std::sync::atomic::Ordering::SeqCst);
        system
    }
}

#[cfg(feature = "test-clock")]
impl Clock {
    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, millis: i64) {
        self.offset
            .fetch_add(millis, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn the_clock_reads_the_system_time() {
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let now = Clock::default().now_millis();
        assert!(now >= before && now - before < 60_000, "{now} vs {before}");
    }
}
