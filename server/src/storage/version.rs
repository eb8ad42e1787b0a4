//! The data version: a counter that changes whenever the writer connection commits, so that
//! what was read at one version can be reused while the version stays the same (the read cache).
//!
//! SQLite's commit hook makes the counter odd *before* a commit becomes visible; the writer
//! thread makes it even again after the job that committed has returned (and with it the
//! reply the request was waiting for). An odd version means "a commit may be landing": nothing
//! read then is kept. A read that starts at an even version `v` and is looked up while the
//! version is still `v` cannot have missed a commit, because any commit in between would have
//! moved the counter. Every write in Cairn goes through the one writer connection (records,
//! batches, schema changes, truncates, hooks' own SQL); a write from another process to the
//! same file (a second `cairn superuser upsert` while serving) is not seen, as with the schema.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Shared handle to the data version (cheap to clone).
#[derive(Clone, Default)]
pub struct DataVersion(Arc<AtomicU64>);

impl DataVersion {
    /// The current version when no commit is landing; `None` while one may be.
    pub fn stable(&self) -> Option<u64> {
        let v = self.0.load(Ordering::SeqCst);
        (v.is_multiple_of(2)).then_some(v)
    }

    /// Whether the data is still what it was at `version` (from [`DataVersion::stable`]).
    pub fn unchanged_since(&self, version: u64) -> bool {
        self.0.load(Ordering::SeqCst) == version
    }

    /// Called from the writer's commit hook, before the commit is visible to readers.
    pub(crate) fn commit_starting(&self) {
        // Only the writer thread changes the counter, so load-then-store cannot race.
        let v = self.0.load(Ordering::SeqCst);
        if v.is_multiple_of(2) {
            self.0.store(v + 1, Ordering::SeqCst);
        }
    }

    /// Called by the writer thread after each job: any commit it made is visible by now.
    pub(crate) fn settle(&self) {
        let v = self.0.load(Ordering::SeqCst);
        if !v.is_multiple_of(2) {
            self.0.store(v + 1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_hides_the_version_until_it_settles_and_then_moves_it() {
        let v = DataVersion::default();
        let before = v.stable().expect("test setup");
        v.commit_starting();
        v.commit_starting();
        assert_eq!(v.stable(), None);
        assert!(!v.unchanged_since(before));
        v.settle();
        let after = v.stable().expect("test setup");
        assert_ne!(after, before);
        v.settle();
        assert_eq!(v.stable(), Some(after));
    }
}
