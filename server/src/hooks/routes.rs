//! Custom routes for hook modules, without actix: a module registers a method, a path (with
//! `{name}` segments) and an async handler from [`RouteRequest`] to [`RouteResponse`]; `http`
//! mounts them next to the built-in API (built-in routes win on a clash). Errors are
//! [`ApiError`]s, so they reach clients in PocketBase's error shape.
//!
//! ```
//! # use cairn::hooks::routes::{Routes, RouteResponse};
//! let routes = Routes::default();
//! routes.get("/api/hello/{name}", |req| async move {
//!     let name = req.param("name").unwrap_or("stranger").to_string();
//!     Ok(RouteResponse::json(200, serde_json::json!({ "hello": name })))
//! });
//! ```

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::BoxFuture;
use crate::auth::AuthInfo;
use crate::core::Core;
use crate::error::{ApiError, msg};

/// A request as a custom route sees it.
pub struct RouteRequest {
    pub method: String,
    pub path: String,
    /// The `{name}` segments of the route's path.
    pub params: HashMap<String, String>,
    pub query: HashMap<String, String>,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: bytes::Bytes,
    /// The requester (guest when no valid token was sent).
    pub auth: AuthInfo,
    pub core: Arc<Core>,
}

impl RouteRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The body as JSON (an empty body reads as `{}`); a malformed one is PocketBase's 400.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let body: &[u8] = if self.body.is_empty() {
            b"{}"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|_| ApiError::bad_request(msg::BAD_REQUEST))
    }

    /// The signed-in record, or PocketBase's 401.
    pub fn require_auth(&self) -> Result<&AuthInfo, ApiError> {
        if self.auth.is_guest() {
            return Err(ApiError::new(401, msg::UNAUTHORIZED));
        }
        Ok(&self.auth)
    }
}

/// What a custom route answers.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteResponse {
    Json { status: u16, body: Value },
    Text { status: u16, body: String },
    Empty { status: u16 },
}

impl RouteResponse {
    pub fn json(status: u16, body: Value) -> Self {
        Self::Json { status, body }
    }

    pub fn ok(body: Value) -> Self {
        Self::json(200, body)
    }

    pub fn no_content() -> Self {
        Self::Empty { status: 204 }
    }
}

pub type RouteHandler =
    Arc<dyn Fn(RouteRequest) -> BoxFuture<Result<RouteResponse, ApiError>> + Send + Sync>;

/// One registered route.
#[derive(Clone)]
pub struct Route {
    /// Upper case: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    pub method: &'static str,
    pub path: String,
    pub handler: RouteHandler,
}

/// The custom routes, in registration order.
#[derive(Default)]
pub struct Routes {
    routes: RwLock<Vec<Route>>,
}

impl Routes {
    /// Registers a route; register before the server starts.
    pub fn add<F, Fut>(&self, method: &'static str, path: &str, handler: F)
    where
        F: Fn(RouteRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RouteResponse, ApiError>> + Send + 'static,
    {
        let handler: RouteHandler = Arc::new(move |req| Box::pin(handler(req)));
        if let Ok(mut r) = self.routes.write() {
            r.push(Route {
                method,
                path: path.to_string(),
                handler,
            });
        }
    }

    pub fn get<F, Fut>(&self, path: &str, handler: F)
    where
        F: Fn(RouteRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RouteResponse, ApiError>> + Send + 'static,
    {
        self.add("GET", path, handler);
    }

    pub fn post<F, Fut>(&self, path: &str, handler: F)
    where
        F: Fn(RouteRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RouteResponse, ApiError>> + Send + 'static,
    {
        self.add("POST", path, handler);
    }

    pub fn patch<F, Fut>(&self, path: &str, handler: F)
    where
        F: Fn(RouteRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RouteResponse, ApiError>> + Send + 'static,
    {
        self.add("PATCH", path, handler);
    }

    pub fn delete<F, Fut>(&self, path: &str, handler: F)
    where
        F: Fn(RouteRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<RouteResponse, ApiError>> + Send + 'static,
    {
        self.add("DELETE", path, handler);
    }

    /// Every route, in registration order.
    pub fn all(&self) -> Vec<Route> {
        self.routes.read().map(|r| r.clone()).unwrap_or_default()
    }
}
