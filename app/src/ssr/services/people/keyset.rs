//! Where a page of the Users table starts: after the sort key of the last
//! row of the page before it (a range of an index), rather than a count of
//! rows from the start (OFFSET, which walks every row it skips).
use super::Key;
use crate::error::AppError;
use crate::model::users::PeopleSort;
use sea_orm::Value;

/// The ORDER BY of each sort. They match the `people` indexes column for
/// column (ending with the key), so a page is an index walk; only the status
/// order sorts.
pub(super) fn order(sort: PeopleSort, now: i64) -> String {
    match sort {
        PeopleSort::Name => "unnamed, sort_name, sort_email, email_key".to_owned(),
        PeopleSort::Email => "sort_email, email_key".to_owned(),
        PeopleSort::Status => format!(
            "CASE WHEN state = 'open' AND expires_at <= {now} THEN 'expired' \
                  WHEN state = 'open' THEN 'invited' ELSE state END, unnamed, sort_name, sort_email, email_key"
        ),
        PeopleSort::Newest => "since DESC, email_key DESC".to_owned(),
    }
}

/// The order of a keyset sort the other way round (its index walked
/// backwards); None for the status order.
pub(super) fn reversed_order(sort: PeopleSort) -> Option<String> {
    let keys = Keyset::of(sort)?;
    let direction = if keys.descending { "ASC" } else { "DESC" };
    Some(
        keys.columns
            .iter()
            .map(|c| format!("{} {direction}", c.name()))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[derive(Debug, Clone, Copy)]
enum Column {
    Unnamed,
    SortName,
    SortEmail,
    EmailKey,
    Since,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Unnamed => "unnamed",
            Column::SortName => "sort_name",
            Column::SortEmail => "sort_email",
            Column::EmailKey => "email_key",
            Column::Since => "since",
        }
    }
}

/// What a page's query selects: the row's identity and its sort key. Each
/// keyset order reads only the columns its index holds (the rest are
/// constants no cursor of that order reads), so that PostgreSQL can walk
/// the index alone, without a visit to the table for each row skipped by
/// an OFFSET (a jump to page 1,500 skips 75,000).
pub(super) fn selected(sort: PeopleSort) -> &'static str {
    match sort {
        PeopleSort::Name => {
            "kind, ref_id, unnamed, sort_name, sort_email, email_key, CAST(0 AS BIGINT) AS since"
        }
        PeopleSort::Email => {
            "kind, ref_id, 0 AS unnamed, '' AS sort_name, sort_email, email_key, CAST(0 AS BIGINT) AS since"
        }
        PeopleSort::Newest => {
            "kind, ref_id, 0 AS unnamed, '' AS sort_name, '' AS sort_email, email_key, since"
        }
        PeopleSort::Status => "kind, ref_id, unnamed, sort_name, sort_email, email_key, since",
    }
}

/// The sort key of an order a page can start after (all but the status
/// order, which is computed per row and sorted anyway).
pub(super) struct Keyset {
    columns: &'static [Column],
    descending: bool,
}

impl Keyset {
    pub fn of(sort: PeopleSort) -> Option<Self> {
        use Column::*;
        match sort {
            PeopleSort::Name => Some(Keyset {
                columns: &[Unnamed, SortName, SortEmail, EmailKey],
                descending: false,
            }),
            PeopleSort::Email => Some(Keyset {
                columns: &[SortEmail, EmailKey],
                descending: false,
            }),
            PeopleSort::Newest => Some(Keyset {
                columns: &[Since, EmailKey],
                descending: true,
            }),
            PeopleSort::Status => None,
        }
    }

    /// Where the page after this row starts: its sort key, as a JSON array.
    pub fn cursor(&self, row: &Key) -> String {
        let key: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|column| match column {
                Column::Unnamed => row.unnamed.into(),
                Column::SortName => row.sort_name.clone().into(),
                Column::SortEmail => row.sort_email.clone().into(),
                Column::EmailKey => row.email_key.clone().into(),
                Column::Since => row.since.into(),
            })
            .collect();
        serde_json::Value::Array(key).to_string()
    }

    /// `(columns) > ({p}, …)` (`<` newest first) and its values, from a
    /// cursor; one that is not this order's is refused.
    pub fn after(&self, cursor: &str) -> Result<(String, Vec<Value>), AppError> {
        let bad = || AppError::Invalid {
            field: "Page".into(),
            message: "That page is no longer there: go back to the first page.".into(),
        };
        let key: Vec<serde_json::Value> = serde_json::from_str(cursor).map_err(|_| bad())?;
        if key.len() != self.columns.len() {
            return Err(bad());
        }
        let mut values = Vec::with_capacity(key.len());
        for (column, value) in self.columns.iter().zip(key) {
            values.push(match column {
                Column::Unnamed => Value::from(
                    value
                        .as_i64()
                        .and_then(|v| i32::try_from(v).ok())
                        .ok_or_else(bad)?,
                ),
                Column::Since => Value::from(value.as_i64().ok_or_else(bad)?),
                _ => Value::from(value.as_str().ok_or_else(bad)?.to_owned()),
            });
        }
        let names: Vec<&str> = self.columns.iter().map(|c| c.name()).collect();
        let marks = vec!["{p}"; self.columns.len()].join(", ");
        let comparison = if self.descending { "<" } else { ">" };
        Ok((
            format!("({}) {comparison} ({marks})", names.join(", ")),
            values,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key {
            kind: "member".into(),
            ref_id: 7,
            unnamed: 0,
            sort_name: "ada".into(),
            sort_email: "ada@example.com".into(),
            email_key: "ada@example.com".into(),
            since: 42,
        }
    }

    #[test]
    fn a_cursor_reads_back_as_the_range_after_its_row() {
        let newest = Keyset::of(PeopleSort::Newest).unwrap();
        let cursor = newest.cursor(&key());
        assert_eq!(cursor, r#"[42,"ada@example.com"]"#);
        let (clause, values) = newest.after(&cursor).unwrap();
        assert_eq!(clause, "(since, email_key) < ({p}, {p})");
        assert_eq!(
            values,
            [
                Value::from(42_i64),
                Value::from("ada@example.com".to_owned())
            ]
        );
        let by_name = Keyset::of(PeopleSort::Name).unwrap();
        let (clause, _) = by_name.after(&by_name.cursor(&key())).unwrap();
        assert_eq!(
            clause,
            "(unnamed, sort_name, sort_email, email_key) > ({p}, {p}, {p}, {p})"
        );
    }

    #[test]
    fn a_cursor_of_another_order_or_of_nothing_is_refused() {
        let by_name = Keyset::of(PeopleSort::Name).unwrap();
        let newest = Keyset::of(PeopleSort::Newest).unwrap();
        assert!(by_name.after(&newest.cursor(&key())).is_err());
        assert!(newest.after(r#"["x","y"]"#).is_err());
        assert!(newest.after("not json").is_err());
        assert!(Keyset::of(PeopleSort::Status).is_none());
    }
}
