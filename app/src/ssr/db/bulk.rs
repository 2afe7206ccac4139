//! Statements over many rows with few bound parameters.
//!
//! PostgreSQL plans each statement for its actual values (`force_custom_plan`,
//! see `connect`), and planning a statement with thousands of parameters
//! costs more than running it: a chunk of 1,000 invitations spent most of its
//! time there (measured). So on PostgreSQL a batch of rows travels as one JSON
//! parameter (`INSERT … SELECT … FROM json_to_recordset($1)`), and a set of
//! ids or keys as one array (`= ANY($1)`). SQLite has no planner cost to speak
//! of but a limit of 32,766 parameters; there a set is one JSON parameter too
//! (`IN (SELECT value FROM json_each(?))`) and rows go as multi-row INSERTs,
//! written here and bound with the values moved out of the rows: sea-query's
//! builder copied each value twice more (measured: about a tenth of an
//! import's time on SQLite).
use sea_orm::sea_query::{ArrayType, Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait,
    IdenStatic, InsertMany, Iterable, QueryTrait, Statement, Value,
};

/// Rows per multi-row INSERT: as many as each database's bound-parameter
/// limit allows for this many columns (SQLite 32,766; PostgreSQL 65,535),
/// and never more than a thousand.
pub fn rows_per_insert(backend: DbBackend, columns: usize) -> usize {
    let limit = match backend {
        DbBackend::Postgres => 65_535,
        _ => 32_766,
    };
    (limit / columns.max(1)).clamp(1, 1_000)
}

/// Rows per `json_to_recordset` statement on PostgreSQL.
const ROWS_PER_RECORDSET: usize = 5_000;

/// Inserts the rows in as few statements as each database allows (optionally
/// `ON CONFLICT …`, which takes sea-query's multi-row INSERT on both databases).
pub async fn insert_batched<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    on_conflict: Option<&OnConflict>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let backend = db.get_database_backend();
    let rows = match on_conflict {
        None => match plain_inserts(backend, rows, &[]) {
            Ok(statements) => {
                for statement in statements {
                    db.execute_raw(statement).await?;
                }
                return Ok(());
            }
            Err(rows) => rows,
        },
        Some(_) => rows,
    };
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_insert = rows_per_insert(backend, columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut insert = InsertMany::<A>::many(rows.by_ref().take(per_insert));
        if let Some(on_conflict) = on_conflict {
            insert = insert.on_conflict(on_conflict.clone());
        }
        insert.exec_without_returning(db).await?;
    }
    Ok(())
}

/// Inserts the rows and returns each one's new `id` beside its `key`, a text
/// column that tells the rows apart, in no particular order. Only those two
/// come back: reading whole rows back cost as much as writing them (measured
/// on SQLite).
pub async fn insert_returning_ids<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    id: <A::Entity as EntityTrait>::Column,
    key: <A::Entity as EntityTrait>::Column,
) -> Result<Vec<(i32, String)>, DbErr>
where
    A: ActiveModelTrait + Send,
{
    let returning = [id, key];
    let read = |row: sea_orm::QueryResult| -> Result<(i32, String), DbErr> {
        Ok((
            row.try_get("", id.as_str())?,
            row.try_get("", key.as_str())?,
        ))
    };
    let mut stored = Vec::with_capacity(rows.len());
    let backend = db.get_database_backend();
    let rows = match plain_inserts(backend, rows, &returning) {
        Ok(statements) => {
            for statement in statements {
                for row in db.query_all_raw(statement).await? {
                    stored.push(read(row)?);
                }
            }
            return Ok(stored);
        }
        Err(rows) => rows,
    };
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_insert = rows_per_insert(backend, columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut insert = InsertMany::<A>::many(rows.by_ref().take(per_insert)).into_query();
        insert.returning(Query::returning().columns(returning));
        for row in db.query_all(&insert).await? {
            stored.push(read(row)?);
        }
    }
    Ok(stored)
}

/// The INSERT statements for these rows, written here (see the module's
/// comment); the rows back when they cannot go that way: rows setting
/// different columns, or a value without a JSON form on PostgreSQL.
fn plain_inserts<A: ActiveModelTrait>(
    backend: DbBackend,
    rows: Vec<A>,
    returning: &[<A::Entity as EntityTrait>::Column],
) -> Result<Vec<Statement>, Vec<A>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let all = || <<A::Entity as EntityTrait>::Column as Iterable>::iter();
    let unset: Vec<bool> = all().map(|column| first.is_not_set(column)).collect();
    let uniform = rows.iter().all(|row| {
        all()
            .zip(&unset)
            .all(|(column, &unset)| row.is_not_set(column) == unset)
    });
    if !uniform {
        return Err(rows);
    }
    let columns: Vec<<A::Entity as EntityTrait>::Column> = all()
        .zip(&unset)
        .filter(|(_, &unset)| !unset)
        .map(|(column, _)| column)
        .collect();
    let table = A::Entity::default().table_name().to_owned();
    let quoted = |columns: &[<A::Entity as EntityTrait>::Column]| -> String {
        let names: Vec<String> = columns
            .iter()
            .map(|column| format!("\"{}\"", column.as_str()))
            .collect();
        names.join(", ")
    };
    let names = quoted(&columns);
    let returning = if returning.is_empty() {
        String::new()
    } else {
        format!(" RETURNING {}", quoted(returning))
    };
    match backend {
        DbBackend::Postgres => match recordset_inserts(&rows, &table, &columns, &names, &returning)
        {
            Some(statements) => Ok(statements),
            None => Err(rows),
        },
        _ => Ok(values_inserts(rows, &table, &columns, &names, &returning)),
    }
}

/// SQLite: `INSERT INTO t (…) VALUES (?, …), …`, as many rows a statement as
/// the parameter limit allows.
fn values_inserts<A: ActiveModelTrait>(
    rows: Vec<A>,
    table: &str,
    columns: &[<A::Entity as EntityTrait>::Column],
    names: &str,
    returning: &str,
) -> Vec<Statement> {
    let per_insert = rows_per_insert(DbBackend::Sqlite, columns.len());
    let one_row = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut statements = Vec::with_capacity(rows.len().div_ceil(per_insert));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut values = Vec::with_capacity(per_insert * columns.len());
        let mut count = 0;
        for mut row in rows.by_ref().take(per_insert) {
            for &column in columns {
                if let Some(value) = row.take(column).into_value() {
                    values.push(value);
                }
            }
            count += 1;
        }
        let sql = format!(
            "INSERT INTO \"{table}\" ({names}) VALUES {}{returning}",
            vec![one_row.as_str(); count].join(", ")
        );
        statements.push(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            sql,
            values,
        ));
    }
    statements
}

/// PostgreSQL: `INSERT INTO t (…) SELECT … FROM json_to_recordset($1) AS r(…)`
/// statements for these rows, or `None` when a value has no JSON form here.
fn recordset_inserts<A: ActiveModelTrait>(
    rows: &[A],
    table: &str,
    columns: &[<A::Entity as EntityTrait>::Column],
    names: &str,
    returning: &str,
) -> Option<Vec<Statement>> {
    let first = rows.first()?;
    let mut record = Vec::with_capacity(columns.len());
    for &column in columns {
        let ty = sql_type(first.get(column).into_value()?)?;
        record.push(format!("\"{}\" {ty}", column.as_str()));
    }
    let sql = format!(
        "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_to_recordset($1::json) AS r({}){returning}",
        record.join(", "),
    );
    let mut statements = Vec::with_capacity(rows.len().div_ceil(ROWS_PER_RECORDSET));
    for slice in rows.chunks(ROWS_PER_RECORDSET) {
        let mut records = Vec::with_capacity(slice.len());
        for row in slice {
            let mut record = serde_json::Map::with_capacity(columns.len());
            for &column in columns {
                record.insert(
                    column.as_str().to_owned(),
                    json(row.get(column).into_value()?)?,
                );
            }
            records.push(serde_json::Value::Object(record));
        }
        let parameter = serde_json::Value::Array(records).to_string();
        statements.push(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql.clone(),
            [Value::from(parameter)],
        ));
    }
    Some(statements)
}

fn sql_type(value: Value) -> Option<&'static str> {
    Some(match value {
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::BigInt(_) => "bigint",
        Value::String(_) => "text",
        _ => return None,
    })
}

fn json(value: Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Bool(v) => v.into(),
        Value::Int(v) => v.into(),
        Value::BigInt(v) => v.into(),
        Value::String(v) => v.into(),
        _ => return None,
    })
}

/// A value a one-parameter set can hold.
pub trait SetMember {
    const ARRAY: ArrayType;
    fn json(&self) -> serde_json::Value;
    fn value(&self) -> Value;
}

impl SetMember for i32 {
    const ARRAY: ArrayType = ArrayType::Int;
    fn json(&self) -> serde_json::Value {
        (*self).into()
    }
    fn value(&self) -> Value {
        (*self).into()
    }
}

impl SetMember for &str {
    const ARRAY: ArrayType = ArrayType::String;
    fn json(&self) -> serde_json::Value {
        (*self).into()
    }
    fn value(&self) -> Value {
        (*self).into()
    }
}

impl SetMember for String {
    const ARRAY: ArrayType = ArrayType::String;
    fn json(&self) -> serde_json::Value {
        self.as_str().into()
    }
    fn value(&self) -> Value {
        self.as_str().into()
    }
}

/// `column IN (values)` with the whole set as one bound parameter, however
/// large: an array on PostgreSQL, a JSON array on SQLite.
pub fn within<C, V>(backend: DbBackend, column: C, values: &[V]) -> Expr
where
    C: ColumnTrait,
    V: SetMember,
{
    // Written whole: built with `col.binary(…)`, sea-query brackets the right
    // side, and PostgreSQL refuses `(ANY($1))`.
    let name = format!("\"{}\".\"{}\"", column.entity_name(), column.as_str());
    match backend {
        DbBackend::Postgres => {
            let array = Value::Array(
                V::ARRAY,
                Some(Box::new(values.iter().map(SetMember::value).collect())),
            );
            Expr::cust_with_values(format!("{name} = ANY($1)"), [array])
        }
        _ => {
            let set = serde_json::Value::Array(values.iter().map(SetMember::json).collect());
            Expr::cust_with_values(
                format!("{name} IN (SELECT value FROM json_each(?))"),
                [set.to_string()],
            )
        }
    }
}

/// `{column} IN (values)` for hand-written SQL with `{p}` placeholders (see
/// `placeholders`): the clause and its one bound value, as `within` makes.
pub fn in_set<V: SetMember>(backend: DbBackend, column: &str, values: &[V]) -> (String, Value) {
    match backend {
        DbBackend::Postgres => (
            format!("{column} = ANY({{p}})"),
            Value::Array(
                V::ARRAY,
                Some(Box::new(values.iter().map(SetMember::value).collect())),
            ),
        ),
        _ => (
            format!("{column} IN (SELECT value FROM json_each({{p}}))"),
            serde_json::Value::Array(values.iter().map(SetMember::json).collect())
                .to_string()
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeliveryState, Role};
    use crate::ssr::db::entities::invitation;
    use sea_orm::{QueryFilter, QueryTrait, Set};

    fn invitation(email: &str) -> invitation::ActiveModel {
        invitation::ActiveModel {
            workspace_id: Set(1),
            email: Set(email.to_owned()),
            email_key: Set(email.to_owned()),
            display_name: Set(None),
            role: Set(Role::Member),
            metadata: Set("{}".to_owned()),
            invited_by: Set(None),
            nonce: Set("n".to_owned()),
            created_at: Set(0),
            expires_at: Set(1),
            send_count: Set(0),
            delivery: Set(DeliveryState::Queued),
            ..Default::default()
        }
    }

    #[test]
    fn invitations_travel_to_postgres_as_one_json_parameter_per_statement() {
        let rows: Vec<_> = (0..ROWS_PER_RECORDSET + 1)
            .map(|i| invitation(&format!("p{i}@example.com")))
            .collect();
        let statements = plain_inserts(
            DbBackend::Postgres,
            rows,
            &[invitation::Column::Id, invitation::Column::EmailKey],
        )
        .unwrap_or_else(|_| panic!("every column has a JSON form"));
        assert_eq!(statements.len(), 2);
        let first = &statements[0];
        assert!(
            first.sql.starts_with("INSERT INTO \"invitations\" ("),
            "{}",
            first.sql
        );
        assert!(first.sql.contains("\"role\" text"), "{}", first.sql);
        assert!(first.sql.contains("\"display_name\" text"), "{}", first.sql);
        let (insert, returning) = first.sql.split_once(" RETURNING ").expect("RETURNING");
        assert!(
            !insert.contains("\"id\""),
            "the id is the database's: {}",
            first.sql
        );
        assert_eq!(returning, "\"id\", \"email_key\"");
        let values = first.values.as_ref().expect("one parameter").0.clone();
        let [Value::String(Some(json))] = &values[..] else {
            panic!("one JSON text parameter, got {values:?}");
        };
        let records: Vec<serde_json::Value> = serde_json::from_str(json).expect("JSON");
        assert_eq!(records.len(), ROWS_PER_RECORDSET);
        assert_eq!(records[1]["email"], "p1@example.com");
        assert_eq!(records[1]["display_name"], serde_json::Value::Null);
        assert_eq!(records[1]["delivery"], "queued");
    }

    #[test]
    fn invitations_go_to_sqlite_as_multi_row_inserts_under_its_parameter_limit() {
        let rows: Vec<_> = (0..1_500)
            .map(|i| invitation(&format!("p{i}@example.com")))
            .collect();
        let statements = plain_inserts(DbBackend::Sqlite, rows, &[invitation::Column::Id])
            .unwrap_or_else(|_| panic!("the rows set the same columns"));
        assert_eq!(statements.len(), 2, "1,000 rows, then 500");
        let first = &statements[0];
        assert!(
            first
                .sql
                .starts_with("INSERT INTO \"invitations\" (\"workspace_id\", \"email\""),
            "{}",
            first.sql
        );
        assert!(first.sql.ends_with(" RETURNING \"id\""), "{}", first.sql);
        let values = &first.values.as_ref().expect("values").0;
        assert_eq!(values.len(), 1_000 * 12, "twelve columns set");
        assert_eq!(first.sql.matches('?').count(), values.len());
        assert_eq!(values[1], Value::from("p0@example.com"));
        assert_eq!(
            statements[1].values.as_ref().expect("values").0.len(),
            500 * 12
        );
    }

    #[test]
    fn rows_setting_different_columns_take_sea_querys_insert() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let mut second = invitation("b@example.com");
            second.display_name = sea_orm::ActiveValue::NotSet;
            let rows = vec![invitation("a@example.com"), second];
            assert_eq!(
                plain_inserts(backend, rows, &[]).err().map(|r| r.len()),
                Some(2)
            );
        }
    }

    #[test]
    fn a_set_is_one_parameter_on_both_databases() {
        let ids: Vec<i32> = (0..40_000).collect();
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let statement = invitation::Entity::find()
                .filter(within(backend, invitation::Column::Id, &ids))
                .build(backend);
            assert_eq!(
                statement.values.expect("values").0.len(),
                1,
                "{}",
                statement.sql
            );
            let expected = match backend {
                DbBackend::Postgres => "\"invitations\".\"id\" = ANY($1)",
                _ => "\"invitations\".\"id\" IN (SELECT value FROM json_each(?))",
            };
            assert!(statement.sql.contains(expected), "{}", statement.sql);
        }
    }

    #[test]
    fn inserts_stay_under_each_databases_parameter_limit() {
        assert_eq!(rows_per_insert(DbBackend::Sqlite, 13), 1_000);
        assert_eq!(rows_per_insert(DbBackend::Sqlite, 40), 819);
        assert_eq!(rows_per_insert(DbBackend::Postgres, 100), 655);
        assert!(rows_per_insert(DbBackend::Sqlite, 13) * 13 <= 32_766);
    }
}
