//! Turns for filling the read cache: when many requests miss on the same statement at once (a
//! cold start, or right after a write), the first one reads and the others wait for it and then
//! look in the cache again, instead of all running the same query (a `COUNT(*)` over 100,000
//! rows, say) side by side. Waiters still check the data version themselves: a fill that raced a
//! commit is not served to them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

type Turns = Mutex<HashMap<String, Arc<AsyncMutex<()>>>>;

#[derive(Default)]
pub struct FillTurns {
    turns: Turns,
}

/// What [`FillTurns::take`] gave: the turn to fill (others wait until it is dropped), or word
/// that another request's fill has finished (look in the cache again; on a miss, read without
/// a turn — so a miss after another commit does not queue everyone behind one reader).
pub enum Turn<'a> {
    Fill(FillTurn<'a>),
    Waited,
}

pub struct FillTurn<'a> {
    turns: &'a Turns,
    key: String,
    _held: OwnedMutexGuard<()>,
}

impl FillTurns {
    pub async fn take(&self, key: &str) -> Turn<'_> {
        let running = {
            let Ok(mut turns) = self.turns.lock() else {
                // A poisoned map only loses the coalescing, never correctness.
                return Turn::Waited;
            };
            match turns.get(key) {
                Some(lock) => lock.clone(),
                None => {
                    let lock = Arc::new(AsyncMutex::new(()));
                    let Ok(held) = lock.clone().try_lock_owned() else {
                        return Turn::Waited;
                    };
                    turns.insert(key.to_string(), lock);
                    return Turn::Fill(FillTurn {
                        turns: &self.turns,
                        key: key.to_string(),
                        _held: held,
                    });
                }
            }
        };
        drop(running.lock().await);
        Turn::Waited
    }

    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.turns.lock().map(|t| t.len()).unwrap_or(0)
    }
}

impl Drop for FillTurn<'_> {
    fn drop(&mut self) {
        // Out of the map first, so that later misses start a new turn; the held lock is
        // released right after (field drop), waking the waiters.
        if let Ok(mut turns) = self.turns.lock() {
            turns.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_filler_per_key_at_a_time_and_the_map_empties() {
        let turns = Arc::new(FillTurns::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let fills = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (turns, inside, most, fills) =
                (turns.clone(), inside.clone(), most.clone(), fills.clone());
            tasks.push(tokio::spawn(async move {
                if let Turn::Fill(_turn) = turns.take("k").await {
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    fills.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        let other = turns.take("other key").await;
        assert!(matches!(other, Turn::Fill(_)), "another key is not held up");
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "never two fillers at once");
        assert!(
            fills.load(Ordering::SeqCst) < 16,
            "requests arriving during a fill wait for it instead of filling"
        );
        assert_eq!(turns.waiting(), 1, "only the held 'other key' turn is left");
        drop(other);
        assert_eq!(turns.waiting(), 0);
    }
}
