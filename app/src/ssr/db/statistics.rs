//! PostgreSQL plans each statement for its values (`force_custom_plan`),
//! from table statistics that autovacuum refreshes only after a minute or
//! so. An import grows the tables from nothing faster than that: planned for
//! the empty tables, looking up a chunk's addresses walked every open
//! invitation of the workspace instead of the address index (measured: 0.3 ms
//! at the first chunk, 4 ms by the twentieth, 20 ms at 100,000 rows, and the
//! same for each single invite made afterwards). So an import refreshes them
//! itself as it grows, each time it has written four times as many rows.
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

/// Tables whose lookups by address or id follow an import's growth.
const GROWING: &str = "invitations, people, outbox, import_rows, audit_log";
const FIRST: u64 = 1_000;

/// Whether a batch that went from `before` to `after` rows passed one of
/// 1,000, 4,000, 16,000, 64,000, … rows.
pub fn passes_a_mark(before: u64, after: u64) -> bool {
    let mut mark = FIRST;
    while mark <= after {
        if before < mark {
            return true;
        }
        mark = mark.saturating_mul(4);
    }
    false
}

/// Refreshes the statistics of the tables an import fills when it has just
/// passed a mark, in a task of its own so that the chunk's answer does not
/// wait for it. On SQLite, whose planner does not depend on them here,
/// nothing. A failure costs only speed: logged, not returned.
pub fn after_growth(db: &DatabaseConnection, before: u64, after: u64) {
    if db.get_database_backend() != DbBackend::Postgres || !passes_a_mark(before, after) {
        return;
    }
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(error) = db.execute_unprepared(&format!("ANALYZE {GROWING}")).await {
            tracing::warn!(%error, "refreshing table statistics failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::passes_a_mark;

    #[test]
    fn marks_are_a_thousand_rows_times_powers_of_four() {
        assert!(passes_a_mark(0, 1_000));
        assert!(!passes_a_mark(1_000, 2_000));
        assert!(passes_a_mark(3_000, 4_000));
        assert!(!passes_a_mark(4_000, 15_999));
        assert!(passes_a_mark(15_000, 16_000));
        assert!(passes_a_mark(63_000, 64_000));
        assert!(!passes_a_mark(64_000, 100_000));
        assert!(!passes_a_mark(0, 999));
    }
}
