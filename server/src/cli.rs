//! Command line: `cairn serve`, `cairn superuser upsert|delete`, `cairn gen sdk`, `cairn --version`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{App, Config};

#[derive(Debug, Parser)]
#[command(
    name = "cairn",
    version,
    about = "Backend-as-a-service in one binary (PocketBase-compatible API)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the HTTP server.
    Serve {
        #[command(flatten)]
        config: Config,
    },
    /// Manage superusers.
    Superuser {
        #[command(subcommand)]
        action: SuperuserAction,
    },
    /// Generate code from the schema.
    Gen {
        #[command(subcommand)]
        what: GenWhat,
    },
}

#[derive(Debug, Subcommand)]
enum GenWhat {
    /// Write a typed TypeScript client package for the schema into --out.
    Sdk {
        /// Output directory (created if missing).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Data directory to read the schema from (read-only; a server may be running on it).
        #[arg(long, env = "CAIRN_DIR", default_value = "./cairn_data")]
        dir: std::path::PathBuf,
        /// Read the schema from this running server instead (needs --token).
        #[arg(long, requires = "token")]
        url: Option<String>,
        /// A superuser's auth token for --url.
        #[arg(long, requires = "url")]
        token: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum SuperuserAction {
    /// Create a superuser, or set the password of an existing one.
    Upsert {
        email: String,
        password: String,
        #[command(flatten)]
        config: Config,
    },
    /// Delete a superuser.
    Delete {
        email: String,
        #[command(flatten)]
        config: Config,
    },
}

/// SeaORM's SQLite driver logs every statement at debug level with the values inlined —
/// password hashes, OTP hashes, token keys — so its driver target stays at `info` whatever
/// filter is asked for: no secret may reach the log.
const SQL_STATEMENT_LOG_OFF: &str = "sea_orm::driver=info";

fn init_logging(filter: &str) {
    init_logging_as(filter, crate::app::config::LogFormat::Text);
}

fn init_logging_as(filter: &str, format: crate::app::config::LogFormat) {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| filter.to_string());
    let filter = tracing_subscriber::EnvFilter::new(filter);
    let filter = match SQL_STATEMENT_LOG_OFF.parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        crate::app::config::LogFormat::Text => builder.try_init(),
        crate::app::config::LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Parses arguments and runs the command; the exit code reports success.
pub fn run() -> ExitCode {
    run_with(crate::AppBuilder::new())
}

/// [`run`] for an app binary: the same commands, with the app's modules and schemas.
pub fn run_with(app: crate::AppBuilder) -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { config } => serve(&app, config),
        Command::Superuser { action } => superuser(&app, action),
        Command::Gen { what } => gen_code(what),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn serve(builder: &crate::AppBuilder, config: Config) -> anyhow::Result<()> {
    init_logging_as(&config.log, config.log_format);
    let app = builder.open(config.clone())?;
    sweep_orphaned_files(&app, &config);
    let rt = runtime()?;
    rt.block_on(async {
        crate::jobs::Jobs::start(&app.core);
        crate::jobs::Crons::start(&app.core);
        let (server, addr) = crate::http::serve(app.core.clone(), config.http, config.max_body, config.workers)?;
        tracing::info!(%addr, dir = %config.dir.display(), "Server started at http://{addr}");
        // With JSON logs stderr carries JSON lines only (log shippers parse every line); the
        // tracing event above already names the address.
        let json = matches!(config.log_format, crate::app::config::LogFormat::Json);
        if !json {
            eprintln!("Server started at http://{addr}\n├─ REST API:  http://{addr}/api/\n├─ API docs:  http://{addr}/api/docs\n└─ Console:   http://{addr}/_/");
        }
        print_installer_link(&app, &addr.to_string(), json).await;
        // http::serve handles SIGINT/SIGTERM: stops accepting, lets in-flight requests finish.
        server.await?;
        anyhow::Ok(())
    })?;
    app.close();
    tracing::info!("database closed, bye");
    Ok(())
}

/// With no superuser yet, the one-time link to the console's "create the first superuser"
/// screen (see [`crate::app::installer`]); a failure only costs the link, not the server.
async fn print_installer_link(app: &App, addr: &str, json: bool) {
    match crate::app::installer::link(&app.core, &format!("http://{addr}")).await {
        Ok(Some(url)) if json => tracing::warn!(
            %url,
            "no superuser yet: open the url in a browser to create the first one (valid 30 minutes), or run `cairn superuser upsert EMAIL PASS`"
        ),
        Ok(Some(url)) => eprintln!(
            "\n(!) Open this link in a browser to create your first superuser (valid 30 minutes):\n{url}\n(or run: cairn superuser upsert EMAIL PASS)\n"
        ),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "preparing the first-superuser installer failed"),
    }
}

/// Files a crash left without a record (see [`crate::files::sweep`]); a failure is logged, not
/// fatal — the orphans only take space.
fn sweep_orphaned_files(app: &App, config: &Config) {
    let root = config.dir.join("storage");
    let collections = app.core.schema.load().collections.clone();
    match app
        .core
        .storage
        .write_blocking(move |conn| crate::files::sweep::sweep_local(conn, &collections, &root))
    {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::info!(removed = n, "removed files no record references"),
        Ok(Err(e)) => tracing::warn!(error = %e, "sweeping orphaned files failed"),
        Err(e) => tracing::warn!(error = %e, "sweeping orphaned files failed"),
    }
}

fn gen_code(what: GenWhat) -> anyhow::Result<()> {
    let GenWhat::Sdk {
        out,
        dir,
        url,
        token,
    } = what;
    let collections = match (url, token) {
        (Some(url), Some(token)) => {
            runtime()?.block_on(crate::sdkgen::load_from_url(&url, &token))?
        }
        _ => crate::sdkgen::load_from_dir(&dir)?,
    };
    let n = crate::sdkgen::package::write(&out, &collections)?;
    println!(
        "Wrote {n} files for {} collections to {}",
        collections.len(),
        out.display()
    );
    Ok(())
}

fn superuser(builder: &crate::AppBuilder, action: SuperuserAction) -> anyhow::Result<()> {
    let rt = runtime()?;
    match action {
        SuperuserAction::Upsert {
            email,
            password,
            config,
        } => {
            init_logging("warn");
            let app = builder.open(config)?;
            rt.block_on(crate::app::superusers::upsert(&app.core, &email, &password))
                .map_err(|e| {
                    anyhow::anyhow!("{}: {}", e.message, serde_json::Value::Object(e.data))
                })?;
            app.close();
            println!("Successfully saved superuser \"{email}\"!");
        }
        SuperuserAction::Delete { email, config } => {
            init_logging("warn");
            let app = builder.open(config)?;
            let deleted = rt
                .block_on(crate::app::superusers::delete(&app.core, &email))
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            app.close();
            if deleted {
                println!("Successfully deleted superuser \"{email}\"!");
            } else {
                println!("Superuser \"{email}\" was not found.");
            }
        }
    }
    Ok(())
}
