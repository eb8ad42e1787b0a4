//! The generic `cairn` binary: CLI only.

fn main() -> std::process::ExitCode {
    cairn::cli::run()
}
