//! Hooks: typed events, ordered handlers and a `next()` chain around every default action.
//!
//! A handler receives the event by value and a [`Next`]; it may change the event and call
//! `next.run(e).await` to continue (the last link is the default action), or return an error to
//! stop. Handlers run by ascending priority, then registration order.
//!
//! ```
//! # use cairn::hooks::Hooks;
//! # use serde_json::json;
//! let hooks = Hooks::default();
//! hooks.on_record_create_request.add(0, |mut e, next| async move {
//!     if e.collection.name == "posts" {
//!         e.record.set("title", json!("from a hook"));
//!     }
//!     next.run(e).await
//! });
//! ```

pub mod events;
pub mod routes;
pub mod tx;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

pub use events::{MailerEvent, RecordEvent, RecordRequestEvent};

use crate::error::ApiError;

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
type Handler<E> = Arc<dyn Fn(E, Next<E>) -> BoxFuture<Result<E, ApiError>> + Send + Sync>;
type Action<E> = Box<dyn FnOnce(E) -> BoxFuture<Result<E, ApiError>> + Send>;

/// The rest of a hook chain.
pub struct Next<E> {
    rest: Vec<Handler<E>>,
    action: Action<E>,
}

impl<E: Send + 'static> Next<E> {
    /// Continues with the next handler, or the default action when none is left.
    pub fn run(mut self, event: E) -> BoxFuture<Result<E, ApiError>> {
        if self.rest.is_empty() {
            (self.action)(event)
        } else {
            let handler = self.rest.remove(0);
            handler(event, self)
        }
    }
}

/// Inserts `item` after every entry of the same or a lower priority (ascending priority, then
/// registration order).
pub(crate) fn insert_by_priority<T>(list: &mut Vec<(i32, T)>, priority: i32, item: T) {
    let pos = list
        .iter()
        .position(|(p, _)| *p > priority)
        .unwrap_or(list.len());
    list.insert(pos, (priority, item));
}

/// One event's handlers.
pub struct Hook<E> {
    handlers: RwLock<Vec<(i32, Handler<E>)>>,
}

impl<E> Default for Hook<E> {
    fn default() -> Self {
        Self {
            handlers: RwLock::new(Vec::new()),
        }
    }
}

impl<E: Send + 'static> Hook<E> {
    /// Registers a handler; lower `priority` runs first.
    pub fn add<F, Fut>(&self, priority: i32, handler: F)
    where
        F: Fn(E, Next<E>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<E, ApiError>> + Send + 'static,
    {
        let boxed: Handler<E> = Arc::new(move |e, next| Box::pin(handler(e, next)));
        if let Ok(mut handlers) = self.handlers.write() {
            insert_by_priority(&mut handlers, priority, boxed);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.handlers.read().map(|h| h.is_empty()).unwrap_or(true)
    }

    /// Runs the chain with `action` as its last link and returns the (possibly changed) event.
    pub async fn trigger<A, Fut>(&self, event: E, action: A) -> Result<E, ApiError>
    where
        A: FnOnce(E) -> Fut + Send + 'static,
        Fut: Future<Output = Result<E, ApiError>> + Send + 'static,
    {
        let rest: Vec<Handler<E>> = self
            .handlers
            .read()
            .map(|h| h.iter().map(|(_, f)| f.clone()).collect())
            .unwrap_or_default();
        if rest.is_empty() {
            return action(event).await;
        }
        let next = Next {
            rest,
            action: Box::new(move |e| Box::pin(action(e))),
        };
        next.run(event).await
    }
}

/// Every hook the engine triggers.
#[derive(Default)]
pub struct Hooks {
    /// Before a create request is processed (body already applied to `record`).
    pub on_record_create_request: Hook<RecordRequestEvent>,
    pub on_record_update_request: Hook<RecordRequestEvent>,
    pub on_record_delete_request: Hook<RecordRequestEvent>,
    /// Field validation of a record about to be created or updated.
    pub on_record_validate: Hook<RecordEvent>,
    /// Around persisting a new record (the default action writes it).
    pub on_record_create: Hook<RecordEvent>,
    pub on_record_update: Hook<RecordEvent>,
    pub on_record_delete: Hook<RecordEvent>,
    /// Inside the write's transaction, after the row is written (sync; see [`tx`]).
    pub on_record_tx: tx::TxHook,
    /// After the write committed; errors are logged, the response is unaffected.
    pub on_record_after_create_success: Hook<RecordEvent>,
    pub on_record_after_update_success: Hook<RecordEvent>,
    pub on_record_after_delete_success: Hook<RecordEvent>,
    /// Around sending every mail (the default action delivers it over SMTP).
    pub on_mailer_send: Hook<MailerEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn handlers_run_in_priority_order_around_the_action() {
        let hook: Hook<Vec<&'static str>> = Hook::default();
        hook.add(10, |mut e, next| async move {
            e.push("late");
            next.run(e).await
        });
        hook.add(-1, |mut e, next| async move {
            e.push("early");
            let mut e = next.run(e).await?;
            e.push("after");
            Ok(e)
        });
        let out = hook
            .trigger(Vec::new(), |mut e| async move {
                e.push("action");
                Ok(e)
            })
            .await
            .expect("chain succeeds");
        assert_eq!(out, vec!["early", "late", "action", "after"]);
    }

    #[tokio::test]
    async fn a_handler_can_stop_the_chain() {
        let hook: Hook<u32> = Hook::default();
        hook.add(0, |_, _| async move { Err(ApiError::bad_request("stop")) });
        let r = hook
            .trigger(1, |_| async move { panic!("action must not run") })
            .await;
        assert_eq!(r.map_err(|e| e.message), Err("stop".to_string()));
    }
}
