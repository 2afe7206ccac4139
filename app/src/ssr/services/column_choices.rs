//! Remembered column choices, per workspace, under the signature of a file's
//! headers: saved when an import is committed (the newest wins), found for
//! the next file with those headers, listed and deleted by admins.
use super::Actor;
use crate::error::AppError;
use crate::import::mapping::normalize;
use crate::model::column_choices::{ColumnChoices, SavedChoices};
use crate::ssr::db::entities::column_choice;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

/// The same for headers that differ only in case, accents, spacing or
/// punctuation ("E-mail" and "email"), as column names are recognised.
pub fn signature(headers: &[String]) -> String {
    let mut hash = Sha256::new();
    for header in headers {
        hash.update(normalize(header).as_bytes());
        hash.update([0x1f]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn save(
    db: &impl ConnectionTrait,
    by: Actor,
    file_name: &str,
    headers: &[String],
    choices: &ColumnChoices,
    now: i64,
) -> Result<(), AppError> {
    choices.check(headers).map_err(|message| {
        AppError::invalid("Column choices", crate::domain::Invalid::new(message))
    })?;
    let json = |value: serde_json::Result<String>| {
        value.map_err(|e| AppError::internal("writing column choices", e))
    };
    let row = column_choice::ActiveModel {
        workspace_id: Set(by.workspace_id),
        signature: Set(signature(headers)),
        headers: Set(json(serde_json::to_string(headers))?),
        choices: Set(json(serde_json::to_string(choices))?),
        file_name: Set(super::imports::file_label(file_name)),
        saved_by: Set(by.user_id),
        saved_at: Set(now),
        ..Default::default()
    };
    column_choice::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                column_choice::Column::WorkspaceId,
                column_choice::Column::Signature,
            ])
            .update_columns([
                column_choice::Column::Headers,
                column_choice::Column::Choices,
                column_choice::Column::FileName,
                column_choice::Column::SavedBy,
                column_choice::Column::SavedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The choices saved for files with these headers, if any.
pub async fn find(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    headers: &[String],
) -> Result<Option<SavedChoices>, AppError> {
    column_choice::Entity::find()
        .filter(column_choice::Column::WorkspaceId.eq(workspace_id))
        .filter(column_choice::Column::Signature.eq(signature(headers)))
        .one(db)
        .await?
        .map(saved)
        .transpose()
}

/// Every saved set of choices, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
) -> Result<Vec<SavedChoices>, AppError> {
    column_choice::Entity::find()
        .filter(column_choice::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(column_choice::Column::SavedAt)
        .all(db)
        .await?
        .into_iter()
        .map(saved)
        .collect()
}

pub async fn delete(db: &impl ConnectionTrait, by: Actor, id: i32) -> Result<(), AppError> {
    let deleted = column_choice::Entity::delete_many()
        .filter(column_choice::Column::Id.eq(id))
        .filter(column_choice::Column::WorkspaceId.eq(by.workspace_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

fn saved(row: column_choice::Model) -> Result<SavedChoices, AppError> {
    Ok(SavedChoices {
        id: row.id,
        headers: serde_json::from_str(&row.headers)
            .map_err(|e| AppError::internal("reading saved headers", e))?,
        choices: serde_json::from_str(&row.choices)
            .map_err(|e| AppError::internal("reading saved column choices", e))?,
        file_name: row.file_name,
        saved_at: row.saved_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_that_read_alike_share_a_signature() {
        let of = |headers: &[&str]| {
            signature(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(of(&["E-mail", "Name"]), of(&["email", " name "]));
        assert_ne!(
            of(&["Email", "Name"]),
            of(&["Name", "Email"]),
            "order matters"
        );
        assert_ne!(
            of(&["Email", "Name"]),
            of(&["EmailName"]),
            "columns stay apart"
        );
        assert_eq!(of(&["Email"]).len(), 64);
    }
}
