//! `GET|POST /api/oauth2-redirect`: the provider's callback for the SDK's popup flow. The
//! `state` is the realtime client id that subscribed to `@oauth2`; `{state, code[, error]}` is
//! sent to it as an `@oauth2` message, then the browser is redirected (307) to the console's
//! success or failure page, as PocketBase does.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::http::extract::core_of;

const SUCCESS: &str = "../_/#/auth/oauth2-redirect-success";
const FAILURE: &str = "../_/#/auth/oauth2-redirect-failure";

/// OAuth2 redirect (query string or form body).
pub async fn handler(req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let mut values: Map<String, Value> =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .map(|q| {
                q.into_inner()
                    .into_iter()
                    .map(|(k, v)| (k, json!(v)))
                    .collect()
            })
            .unwrap_or_default();
    if req.method() == actix_web::http::Method::POST {
        let bytes = crate::http::body::read_body(&req, payload, 1 << 20)
            .await
            .map(|b| b.data)
            .unwrap_or_default();
        values.extend(bytes);
    }
    let get = |k: &str| {
        values
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (state, code, error) = (get("state"), get("code"), get("error"));
    let mut data = json!({"state": state, "code": code});
    if !error.is_empty() {
        data["error"] = json!(error);
    }
    // The hook point to realtime: delivered only to a client subscribed to `@oauth2`.
    let delivered = !state.is_empty()
        && core
            .realtime
            .send_to_topic(&state, "@oauth2", data.to_string());
    let location = if delivered && error.is_empty() {
        SUCCESS
    } else {
        FAILURE
    };
    Ok(HttpResponse::TemporaryRedirect()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish())
}
