//! `GET /templates/{file}`: the import template, as CSV (with a BOM) or XLSX.
//! Public: it holds no workspace data.
use crate::import::export::{template_csv, template_xlsx, TEMPLATE_CSV_NAME, TEMPLATE_XLSX_NAME};
use axum::body::Body;
use axum::extract::Path;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{Response, StatusCode};

pub async fn serve(Path(file): Path<String>) -> Response<Body> {
    let (content_type, body) = match file.as_str() {
        TEMPLATE_CSV_NAME => ("text/csv; charset=utf-8", template_csv()),
        TEMPLATE_XLSX_NAME => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            template_xlsx(),
        ),
        _ => {
            let mut missing = Response::new(Body::empty());
            *missing.status_mut() = StatusCode::NOT_FOUND;
            return missing;
        }
    };
    Response::builder()
        .header(CONTENT_TYPE, content_type)
        .header(
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        )
        .header(CACHE_CONTROL, "public, max-age=3600")
        .body(Body::from(body))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
