//! `GET /metrics` (Prometheus text format) and the middleware that counts every request by
//! method, route template and status. Readable by superusers, or with `Authorization: Bearer
//! <secret>` when the server was started with `--metrics-token` (for a Prometheus scraper,
//! which should not hold a superuser token).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};

use crate::core::Core;
use crate::error::ApiError;
use crate::http::extract::{Auth, core_of};

/// Counts the request once it is answered.
pub async fn count_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let res = next.call(req).await?.map_into_boxed_body();
    if let Some(core) = res.request().app_data::<web::Data<Core>>() {
        let route = res
            .request()
            .match_pattern()
            .map_or_else(|| "unmatched".to_string(), |p| route_label(&p));
        core.metrics.observe_request(
            res.request().method().as_str(),
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

/// The route template as a label: `{collection}` becomes `:collection` (and `{tail:.*}`
/// `:tail`), so that label values hold no braces, which simple scrapers mis-split.
fn route_label(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_param = false;
    let mut skipping = false;
    for c in pattern.chars() {
        match c {
            '{' => {
                in_param = true;
                skipping = false;
                out.push(':');
            }
            '}' if in_param => in_param = false,
            ':' if in_param => skipping = true,
            _ if in_param && skipping => {}
            _ => out.push(c),
        }
    }
    out
}

/// Compares without an early exit, so the time taken does not tell how much matched.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The metrics.
pub async fn metrics(req: HttpRequest, auth: Auth) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_secret = match (&core.metrics_token, bearer) {
        (Some(secret), Some(sent)) => same_secret(secret.as_bytes(), sent.as_bytes()),
        _ => false,
    };
    if !by_secret {
        if auth.0.is_guest() {
            return Err(ApiError::unauthorized());
        }
        if !auth.0.is_superuser() {
            return Err(ApiError::forbidden(
                "Only superusers and the metrics token can read the metrics.",
            ));
        }
    }
    let text = core.metrics.render(&core).await;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_labels_have_no_braces() {
        assert_eq!(
            super::route_label("/api/collections/{collection}/records/{id}"),
            "/api/collections/:collection/records/:id"
        );
        assert_eq!(super::route_label("/_/{tail:.*}"), "/_/:tail");
        assert_eq!(super::route_label("/api/health"), "/api/health");
    }
}
