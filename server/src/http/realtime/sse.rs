//! `GET /api/realtime`: the SSE stream. The first message is `PB_CONNECT` with the client id;
//! every message carries the client id in its `id:` line (the SDK reads it from there). A
//! comment line every 30 s keeps proxies from closing the stream; after 5 minutes without
//! messages the stream ends (the SDK reconnects).

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::stream;
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::http::extract::core_of;
use crate::realtime::Message;

const PING_EVERY: Duration = Duration::from_secs(30);
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// Unregisters the client when the stream is dropped (disconnect or timeout).
struct Registration {
    core: std::sync::Arc<crate::core::Core>,
    id: String,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.core.realtime.unregister(&self.id);
    }
}

fn frame(id: &str, event: &str, data: &str) -> web::Bytes {
    web::Bytes::from(format!("id:{id}\nevent:{event}\ndata:{data}\n\n"))
}

struct State {
    reg: Registration,
    rx: mpsc::Receiver<Message>,
    ping: tokio::time::Interval,
    idle: std::pin::Pin<Box<tokio::time::Sleep>>,
    connected: bool,
}

/// Open a realtime SSE stream.
pub async fn connect(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (client, rx) = core.realtime.register();
    let id = client.id.clone();
    // The stream must not keep the client alive: dropping the client closes `rx`.
    drop(client);
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.reset();
    let state = State {
        reg: Registration { core, id },
        rx,
        ping,
        idle: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
        connected: false,
    };
    let body = stream::unfold(state, |mut st| async move {
        if !st.connected {
            st.connected = true;
            let data = format!("{{\"clientId\":\"{}\"}}", st.reg.id);
            let f = frame(&st.reg.id, "PB_CONNECT", &data);
            return Some((Ok::<_, actix_web::Error>(f), st));
        }
        tokio::select! {
            msg = st.rx.recv() => {
                let msg = msg?;
                st.idle.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
                let f = frame(&st.reg.id, &msg.event, &msg.data);
                Some((Ok(f), st))
            }
            _ = st.ping.tick() => Some((Ok(web::Bytes::from_static(b":ping\n\n")), st)),
            () = &mut st.idle => None,
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
