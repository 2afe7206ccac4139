//! Statements over many rows with few bound parameters.
//!
//! PostgreSQL plans each statement for its actual values (`force_custom_plan`,
//! see `connect`), and planning a statement with thousands of parameters
//! costs more than running it: a chunk of 1,000 invitations spent most of its
//! time there (measured). So on PostgreSQL a batch of rows travels as one JSON
//! parameter (`INSERT … SELECT … FROM json_to_recordset($1)`), and a set of
//! ids or keys as one array (`= ANY($1)`). SQLite has no planner cost to speak
//! of but a limit of 32,766 parameters; there a set is one JSON parameter too
//! (`IN (SELECT value FROM json_each(?))`) and rows go as multi-row INSERTs.
use sea_orm::sea_query::{ArrayType, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait,
    FromQueryResult, IdenStatic, InsertMany, Iterable, Statement, Value,
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
/// `ON CONFLICT …`, which takes the multi-row INSERT on both databases).
pub async fn insert_batched<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    on_conflict: Option<&OnConflict>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    if on_conflict.is_none() && db.get_database_backend() == DbBackend::Postgres {
        if let Some(statements) = recordset_inserts(&rows, false) {
            for statement in statements {
                db.execute_raw(statement).await?;
            }
            return Ok(());
        }
    }
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_insert = rows_per_insert(db.get_database_backend(), columns);
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

/// Inserts the rows and returns them as stored (ids and defaults filled in),
/// in the order given.
pub async fn insert_returning<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
) -> Result<Vec<<A::Entity as EntityTrait>::Model>, DbErr>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    let mut stored = Vec::with_capacity(rows.len());
    if db.get_database_backend() == DbBackend::Postgres {
        if let Some(statements) = recordset_inserts(&rows, true) {
            for statement in statements {
                for row in db.query_all_raw(statement).await? {
                    stored.push(<A::Entity as EntityTrait>::Model::from_query_result(
                        &row, "",
                    )?);
                }
            }
            return Ok(stored);
        }
    }
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let per_insert = rows_per_insert(db.get_database_backend(), columns);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let insert = InsertMany::<A>::many(rows.by_ref().take(per_insert));
        stored.extend(insert.exec_with_returning(db).await?);
    }
    Ok(stored)
}

/// `INSERT INTO t (…) SELECT … FROM json_to_recordset($1) AS r(…)` statements
/// for these rows, or `None` when they cannot go that way (rows setting
/// different columns, or a value without a JSON form here).
fn recordset_inserts<A: ActiveModelTrait>(rows: &[A], returning: bool) -> Option<Vec<Statement>> {
    let first = rows.first()?;
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|&column| first.get(column).is_set())
            .collect();
    let mut types = Vec::with_capacity(columns.len());
    for &column in &columns {
        types.push(sql_type(first.get(column).into_value()?)?);
    }
    let names: Vec<String> = columns
        .iter()
        .map(|column| format!("\"{}\"", column.as_str()))
        .collect();
    let record: Vec<String> = names
        .iter()
        .zip(&types)
        .map(|(name, ty)| format!("{name} {ty}"))
        .collect();
    let table = A::Entity::default().table_name().to_owned();
    let sql = format!(
        "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM json_to_recordset($1::json) AS r({record}){returning}",
        names = names.join(", "),
        record = record.join(", "),
        returning = if returning { " RETURNING *" } else { "" },
    );
    let mut statements = Vec::with_capacity(rows.len().div_ceil(ROWS_PER_RECORDSET));
    for slice in rows.chunks(ROWS_PER_RECORDSET) {
        let mut records = Vec::with_capacity(slice.len());
        for row in slice {
            let mut record = serde_json::Map::with_capacity(columns.len());
            for &column in &columns {
                let value = row.get(column);
                if !value.is_set() {
                    return None;
                }
                record.insert(column.as_str().to_owned(), json(value.into_value()?)?);
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
        let statements = recordset_inserts(&rows, true).expect("every column has a JSON form");
        assert_eq!(statements.len(), 2);
        let first = &statements[0];
        assert!(
            first.sql.starts_with("INSERT INTO \"invitations\" ("),
            "{}",
            first.sql
        );
        assert!(first.sql.contains("\"role\" text"), "{}", first.sql);
        assert!(first.sql.contains("\"display_name\" text"), "{}", first.sql);
        assert!(
            !first.sql.contains("\"id\""),
            "the id is the database's: {}",
            first.sql
        );
        assert!(first.sql.ends_with(" RETURNING *"));
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
    fn rows_setting_different_columns_take_the_multi_row_insert() {
        let mut second = invitation("b@example.com");
        second.display_name = sea_orm::ActiveValue::NotSet;
        assert!(recordset_inserts(&[invitation("a@example.com"), second], false).is_none());
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
