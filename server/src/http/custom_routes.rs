//! Mounts the custom routes hook modules registered ([`crate::hooks::routes`]): each becomes
//! an actix route whose request is turned into a transport-free `RouteRequest`.

use std::collections::HashMap;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::hooks::routes::{Route, RouteRequest, RouteResponse};
use crate::http::extract::{Auth, core_of};
use crate::http::state::HttpSettings;

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap_or(Method::GET)
}

/// Registers `routes` on `cfg`, with paths relative to where `cfg` is mounted (`prefix` is
/// stripped: routes under `/api` go inside the API scope, so its 404 fallback stays last).
pub fn mount(cfg: &mut web::ServiceConfig, routes: &[Route], prefix: &str) {
    for route in routes {
        let Some(path) = route.path.strip_prefix(prefix) else {
            continue;
        };
        if !(prefix.is_empty() || path.is_empty() || path.starts_with('/')) {
            continue;
        }
        let handler = route.handler.clone();
        cfg.route(
            path,
            web::method(method(route.method)).to(
                move |req: HttpRequest, body: web::Bytes, Auth(auth): Auth| {
                    let handler = handler.clone();
                    async move {
                        let core = core_of(&req)?;
                        let max = req
                            .app_data::<web::Data<HttpSettings>>()
                            .map_or(usize::MAX, |s| s.max_body);
                        if body.len() > max {
                            return Err(ApiError::new(413, crate::error::msg::TOO_LARGE));
                        }
                        let request = RouteRequest {
                            method: req.method().to_string(),
                            path: req.path().to_string(),
                            params: req
                                .match_info()
                                .iter()
                                .map(|(k, v)| (k.to_string(), v.to_string()))
                                .collect(),
                            query: web::Query::<HashMap<String, String>>::from_query(
                                req.query_string(),
                            )
                            .map(web::Query::into_inner)
                            .unwrap_or_default(),
                            headers: req
                                .headers()
                                .iter()
                                .filter_map(|(k, v)| {
                                    Some((k.as_str().to_string(), v.to_str().ok()?.to_string()))
                                })
                                .collect(),
                            body,
                            auth,
                            core,
                        };
                        Ok::<_, ApiError>(respond(handler(request).await?))
                    }
                },
            ),
        );
    }
}

fn respond(r: RouteResponse) -> HttpResponse {
    let status = |s: u16| {
        actix_web::http::StatusCode::from_u16(s)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    };
    match r {
        RouteResponse::Json { status: s, body } => HttpResponse::build(status(s)).json(body),
        RouteResponse::Text { status: s, body } => HttpResponse::build(status(s))
            .content_type("text/plain; charset=utf-8")
            .body(body),
        RouteResponse::Empty { status: s } => HttpResponse::build(status(s)).finish(),
    }
}
