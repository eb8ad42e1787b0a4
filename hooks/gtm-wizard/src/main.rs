//! `gtm-wizard`: Cairn + GTM Wizard, with Cairn's command line (`serve`, `superuser`, …).

fn main() -> std::process::ExitCode {
    gtm_wizard::app().run_cli()
}
