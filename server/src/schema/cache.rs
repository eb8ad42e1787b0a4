//! The in-memory schema: an immutable snapshot of every collection, swapped atomically after a
//! schema change commits. Readers never lock.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

use super::collection::Collection;

#[derive(Debug, Default)]
pub struct Snapshot {
    /// In creation order.
    pub collections: Vec<Arc<Collection>>,
    by_name: HashMap<String, Arc<Collection>>,
    by_id: HashMap<String, Arc<Collection>>,
}

impl Snapshot {
    pub fn new(collections: Vec<Collection>) -> Self {
        let collections: Vec<Arc<Collection>> = collections.into_iter().map(Arc::new).collect();
        let by_name = collections
            .iter()
            .map(|c| (c.name.to_ascii_lowercase(), c.clone()))
            .collect();
        let by_id = collections
            .iter()
            .map(|c| (c.id.clone(), c.clone()))
            .collect();
        Self {
            collections,
            by_name,
            by_id,
        }
    }

    /// Looks a collection up by id or (case-insensitive) name, as PocketBase's routes do.
    pub fn find(&self, id_or_name: &str) -> Option<Arc<Collection>> {
        self.by_id
            .get(id_or_name)
            .or_else(|| self.by_name.get(&id_or_name.to_ascii_lowercase()))
            .cloned()
    }

    pub fn by_id(&self, id: &str) -> Option<Arc<Collection>> {
        self.by_id.get(id).cloned()
    }
}

/// Shared handle to the current snapshot.
#[derive(Debug, Default)]
pub struct SchemaCache(ArcSwap<Snapshot>);

impl SchemaCache {
    pub fn new(snapshot: Snapshot) -> Self {
        Self(ArcSwap::from_pointee(snapshot))
    }

    pub fn load(&self) -> Arc<Snapshot> {
        self.0.load_full()
    }

    pub fn store(&self, snapshot: Snapshot) {
        self.0.store(Arc::new(snapshot));
    }
}
