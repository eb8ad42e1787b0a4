//! The only module that knows actix-web: the route table, extractors, middleware, one file per
//! endpoint flow, and server start-up.

pub mod admin_ui;
pub mod backups;
pub mod batch;
pub mod body;
pub mod collections;
pub mod crons;
pub mod custom_routes;
pub mod error;
pub mod extract;
pub mod files;
pub mod health;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod params;
pub mod rate_limit;
pub mod realtime;
pub mod record_auth;
pub mod records;
pub mod render;
pub mod request_log;
pub mod settings;
pub mod state;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpResponse, HttpServer, web};

use crate::core::Core;
use crate::error::{ApiError, msg};
use state::HttpSettings;

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(404, msg::FILE_NOT_FOUND))
}

/// A known path with a method it does not serve (PocketBase answers with a plain 404).
async fn method_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found())
}

/// Registers every API route, the console, then the custom routes of hook modules.
pub fn routes(cfg: &mut web::ServiceConfig, custom: &[crate::hooks::routes::Route]) {
    cfg.route("/metrics", web::get().to(metrics::metrics));
    // The console's assets go out gzip-compressed when the browser accepts it (its first load
    // is ~4x smaller); the API's answers are left as they were.
    cfg.route("/_", web::get().to(admin_ui::redirect)).service(
        web::resource("/_/{tail:.*}")
            .wrap(actix_web::middleware::Compress::default())
            .route(web::get().to(admin_ui::serve)),
    );
    cfg.service(
        web::scope("/api")
            // The hottest routes first: actix tries resources in order, and every dynamic
            // segment costs a regex match.
            .service(
                web::resource("/collections/{collection}/records/{id}")
                    .route(web::get().to(records::view::handler))
                    .route(web::patch().to(records::update::handler))
                    .route(web::delete().to(records::delete::handler))
                    .default_service(web::to(method_not_found)),
            )
            .service(
                web::resource("/collections/{collection}/records")
                    .route(web::get().to(records::list::handler))
                    .route(web::post().to(records::create::handler))
                    .default_service(web::to(method_not_found)),
            )
            .route("/health", web::get().to(health::handler))
            .route("/health", web::head().to(health::handler))
            .route("/openapi.json", web::get().to(openapi::spec))
            .route("/settings", web::get().to(settings::get))
            .route("/settings", web::patch().to(settings::update))
            .route(
                "/settings/test/email",
                web::post().to(settings::test_email::handler),
            )
            .route(
                "/settings/test/s3",
                web::post().to(settings::test_s3::handler),
            )
            .route(
                "/settings/apple/generate-client-secret",
                web::post().to(settings::apple_secret::handler),
            )
            .route("/batch", web::post().to(batch::handler))
            .route("/jobs", web::get().to(jobs::list))
            .route("/jobs/{id}", web::get().to(jobs::view))
            .route("/jobs/{id}/cancel", web::post().to(jobs::cancel))
            .route("/jobs/{id}/retry", web::post().to(jobs::retry))
            .route("/backups", web::get().to(backups::list))
            .route("/backups", web::post().to(backups::create))
            .route("/backups/upload", web::post().to(backups::upload))
            .route("/backups/{key}", web::get().to(backups::download))
            .route("/backups/{key}", web::delete().to(backups::delete))
            .route("/backups/{key}/restore", web::post().to(backups::restore))
            .route("/logs", web::get().to(logs::list))
            .route("/logs/stats", web::get().to(logs::stats))
            .route("/logs/{id}", web::get().to(logs::view))
            .route("/crons", web::get().to(crons::list))
            .route("/crons/{id}", web::post().to(crons::run))
            .route("/realtime", web::get().to(realtime::sse::connect))
            .route("/realtime", web::post().to(realtime::subscribe::handler))
            .route("/realtime/ws", web::get().to(realtime::ws::handler))
            .route("/docs", web::get().to(openapi::docs))
            .route("/docs/{tail:.*}", web::get().to(openapi::docs_assets))
            .route(
                "/collections/meta/scaffolds",
                web::get().to(collections::scaffolds::handler),
            )
            .route(
                "/collections/import",
                web::put().to(collections::import::handler),
            )
            .route(
                "/collections/view-preview",
                web::post().to(collections::view_preview::handler),
            )
            .route("/collections", web::get().to(collections::list::handler))
            .route("/collections", web::post().to(collections::create::handler))
            .route(
                "/collections/{collection}",
                web::get().to(collections::view::handler),
            )
            .route(
                "/collections/{collection}",
                web::patch().to(collections::update::handler),
            )
            .route(
                "/collections/{collection}",
                web::delete().to(collections::delete::handler),
            )
            .route(
                "/collections/{collection}/truncate",
                web::delete().to(collections::truncate::handler),
            )
            .route(
                "/collections/{collection}/auth-with-password",
                web::post().to(record_auth::with_password::handler),
            )
            .route(
                "/collections/{collection}/auth-refresh",
                web::post().to(record_auth::refresh::handler),
            )
            .route(
                "/collections/{collection}/auth-methods",
                web::get().to(record_auth::auth_methods::handler),
            )
            .route(
                "/collections/{collection}/auth-with-otp",
                web::post().to(record_auth::with_otp::handler),
            )
            .route(
                "/collections/{collection}/request-otp",
                web::post().to(record_auth::request_otp::handler),
            )
            .route(
                "/collections/{collection}/request-verification",
                web::post().to(record_auth::request_verification::handler),
            )
            .route(
                "/collections/{collection}/confirm-verification",
                web::post().to(record_auth::confirm_verification::handler),
            )
            .route(
                "/collections/{collection}/request-password-reset",
                web::post().to(record_auth::request_password_reset::handler),
            )
            .route(
                "/collections/{collection}/confirm-password-reset",
                web::post().to(record_auth::confirm_password_reset::handler),
            )
            .route(
                "/collections/{collection}/request-email-change",
                web::post().to(record_auth::request_email_change::handler),
            )
            .route(
                "/collections/{collection}/confirm-email-change",
                web::post().to(record_auth::confirm_email_change::handler),
            )
            .route(
                "/collections/{collection}/impersonate/{id}",
                web::post().to(record_auth::impersonate::handler),
            )
            .route(
                "/files/token",
                web::post().to(record_auth::file_token::handler),
            )
            .route(
                "/files/{collection}/{record}/{filename}",
                web::get().to(files::download),
            )
            .route(
                "/files/{collection}/{record}/{filename}",
                web::head().to(files::download),
            )
            .route(
                "/collections/{collection}/auth-with-oauth2",
                web::post().to(record_auth::with_oauth2::handler),
            )
            .route(
                "/oauth2-redirect",
                web::get().to(record_auth::oauth2_redirect::handler),
            )
            .route(
                "/oauth2-redirect",
                web::post().to(record_auth::oauth2_redirect::handler),
            )
            .configure(|api| custom_routes::mount(api, custom, "/api"))
            .default_service(web::to(not_found)),
    );
    let outside: Vec<_> = custom
        .iter()
        .filter(|r| !r.path.starts_with("/api/"))
        .cloned()
        .collect();
    custom_routes::mount(cfg, &outside, "");
}

/// The one app factory, used by `main` and the tests.
pub fn create_app(
    core: Arc<Core>,
    settings: HttpSettings,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let custom = core.routes.all();
    App::new()
        .app_data(web::Data::from(core))
        .app_data(web::Data::new(settings))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PayloadConfig::new(usize::MAX))
        .wrap(actix_web::middleware::from_fn(rate_limit::check))
        .wrap(actix_web::middleware::from_fn(middleware::cors))
        .wrap(actix_web::middleware::from_fn(middleware::security_headers))
        // Outermost: execTime covers the whole request, and 429s are logged too.
        .wrap(actix_web::middleware::from_fn(request_log::log_requests))
        .wrap(actix_web::middleware::from_fn(metrics::count_requests))
        .configure(|cfg| routes(cfg, &custom))
        .default_service(web::to(not_found))
}

/// Binds `addr` and returns the running server (not yet awaited) and the bound address.
pub fn serve(
    core: Arc<Core>,
    addr: SocketAddr,
    max_body: usize,
    workers: usize,
) -> std::io::Result<(Server, SocketAddr)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let settings = HttpSettings { max_body };
    let app_core = core.clone();
    let mut server = HttpServer::new(move || create_app(app_core.clone(), settings.clone()))
        .listen(listener)?
        .disable_signals()
        .shutdown_timeout(30);
    if workers > 0 {
        server = server.workers(workers);
    }
    let server = server.run();
    let handle = server.handle();
    // SIGINT/SIGTERM: end realtime streams first, then stop gracefully (in-flight requests
    // finish; the caller closes the database after the server future resolves).
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        core.realtime.close_all();
        handle.stop(true).await;
    });
    Ok((server, local))
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
