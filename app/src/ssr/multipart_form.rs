//! Reading a `multipart/form-data` body (a form with a file) with bounds on
//! every part, so an oversized upload is refused while it streams in.
use crate::error::AppError;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;

const MAX_TEXT_BYTES: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct MultipartForm {
    texts: HashMap<String, String>,
    files: HashMap<String, Vec<u8>>,
}

impl MultipartForm {
    /// Reads every part. `file_field` names the one file part (with its label
    /// for errors) and its size limit; a file input left empty counts as absent.
    pub async fn read(
        data: MultipartData,
        file_field: (&str, &str),
        max_file_bytes: usize,
        too_large: &str,
    ) -> Result<Self, AppError> {
        let (file_name, file_label) = file_field;
        let mut multipart = data
            .into_inner()
            .ok_or_else(|| AppError::unexpected("a multipart body without its stream"))?;
        let mut form = Self::default();
        let mut file_too_large = false;
        let malformed = || AppError::Transport("The form could not be read.".into());
        while let Some(mut field) = multipart.next_field().await.map_err(|_| malformed())? {
            let name = field.name().unwrap_or_default().to_owned();
            let is_file = name == file_name;
            let limit = if is_file {
                max_file_bytes
            } else {
                MAX_TEXT_BYTES
            };
            let mut bytes = Vec::new();
            let mut over = false;
            while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
                // Keep reading past the limit (the request body has its own
                // cap) so the browser gets the answer instead of a reset.
                over |= bytes.len() + chunk.len() > limit;
                if !over {
                    bytes.extend_from_slice(&chunk);
                }
            }
            match (is_file, over) {
                (true, true) => file_too_large = true,
                (true, false) if !bytes.is_empty() => {
                    form.files.insert(name, bytes);
                }
                (true, false) => {}
                (false, true) => {
                    return Err(AppError::Transport(format!(
                        "The field {name} is too long."
                    )))
                }
                (false, false) => {
                    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
                    form.texts.insert(name, text);
                }
            }
        }
        if file_too_large {
            return Err(AppError::Invalid {
                field: file_label.into(),
                message: too_large.into(),
            });
        }
        Ok(form)
    }

    /// A text field; absent reads as empty.
    pub fn text(&mut self, name: &str) -> String {
        self.texts.remove(name).unwrap_or_default()
    }

    pub fn file(&mut self, name: &str) -> Option<Vec<u8>> {
        self.files.remove(name)
    }
}
