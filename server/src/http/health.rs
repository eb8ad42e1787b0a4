//! `GET|HEAD /api/health`.

use actix_web::HttpResponse;
use serde_json::json;

use super::extract::Auth;

/// Health check; superusers also see diagnostics.
pub async fn handler(req: actix_web::HttpRequest, Auth(auth): Auth) -> HttpResponse {
    let data = if auth.is_superuser() {
        let ip = req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        json!({"canBackup": false, "realIP": ip, "possibleProxyHeader": ""})
    } else {
        json!({})
    };
    HttpResponse::Ok().json(json!({"message": "API is healthy.", "code": 200, "data": data}))
}
