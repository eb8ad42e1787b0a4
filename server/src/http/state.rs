//! Per-server HTTP settings stored as actix app data.

use actix_web::{HttpRequest, web};

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub max_body: usize,
}

pub fn max_body(req: &HttpRequest) -> usize {
    req.app_data::<web::Data<HttpSettings>>()
        .map_or(32 << 20, |s| s.max_body)
}
