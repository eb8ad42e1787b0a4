//! GTM Wizard's hook module: the pure parts the app's hooks, jobs and routes are built from.
