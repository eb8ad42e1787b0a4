//! `POST /api/realtime` `{"clientId","subscriptions":[…]}`: replaces the client's whole
//! subscription set and (guest → auth only) its auth, taken from this request's token.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::body::read_object;
use crate::http::extract::{Auth, core_of};

/// Set the subscriptions of a realtime client.
pub async fn handler(
    req: HttpRequest,
    Auth(auth): Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = read_object(&req, payload).await?;
    let client_id = body
        .get("clientId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut errors = FieldErrors::new();
    if client_id.is_empty() {
        errors.add("clientId", FieldError::required());
    } else if client_id.len() > 255 {
        errors.add(
            "clientId",
            FieldError::new(
                "validation_length_out_of_range",
                "The length must be between 1 and 255.",
            ),
        );
    }
    errors.into_result(msg::BAD_REQUEST)?;
    let topics: Vec<String> = match body.get("subscriptions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        Some(_) => return Err(ApiError::bad_request(msg::BAD_REQUEST)),
    };
    let client = core
        .realtime
        .get(client_id)
        .ok_or_else(|| ApiError::new(404, "Missing or invalid client id."))?;
    super::check_auth_change(&client.auth(), &auth)?;
    client.set_topics(&topics)?;
    if !auth.is_guest() {
        client.set_auth(auth);
    }
    Ok(HttpResponse::NoContent().finish())
}
