//! `ApiError` → HTTP response, and JSON error handlers for actix's own extractor failures.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::error::{ApiError, msg};

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(self.to_json())
    }
}

/// Query-string extractor failures (never expected: all params are read as strings).
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    tracing::debug!(error = %err, "bad query string");
    ApiError::bad_request(msg::BAD_REQUEST).into()
}

/// Payload failures (too large, broken stream).
pub fn payload_error(err: actix_web::error::PayloadError) -> ApiError {
    match err {
        actix_web::error::PayloadError::Overflow => ApiError::new(413, msg::TOO_LARGE),
        other => {
            tracing::debug!(error = %other, "bad payload");
            ApiError::bad_request(msg::BAD_REQUEST)
        }
    }
}
