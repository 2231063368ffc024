//! `GET /events`: the journal, live, as Server-Sent Events. The service decides what the caller
//! may read and what a reconnecting client missed; this adapts its stream to SSE and ends it
//! when the caller's credentials do.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    http::request::Parts,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::Stream;
use serde_json::json;

use crate::server::{
    ApiError,
    api::state::AppState,
    auth::web_session::authenticate_reader,
    core::Core,
    serve::Disconnect,
    service::{LiveEvent, LiveStream, StreamEnd},
};

/// How often an open stream checks that its credentials still hold (a sign-out revokes a
/// session before it expires).
const RECHECK: Duration = Duration::from_secs(30);

/// How long a client waits before reconnecting (the `retry` field of the first event).
const CLIENT_RETRY: Duration = Duration::from_secs(2);

/// Live changes
///
/// Server-Sent Events (`text/event-stream`) of every change the caller may read, as
/// `GET /changes` filters them, from the moment the stream opens. Authenticated by a bearer
/// token or the web app's session cookie.
///
/// Events:
/// - `ready` — first, once: `{"latest": id}`, the position the stream starts from.
/// - `change` — one journal entry (the shape of an item of `GET /changes`); its SSE `id` is the
///   change id.
/// - `resync` — a reconnecting client missed more than 1,000 changes: reload, then carry on
///   from `{"latest": id}`.
/// - `expired` — the token expired or the session was signed out (`{"reason"}`); the stream
///   ends.
/// - `shutdown` — this server is stopping; reconnect (to another instance).
///
/// Reconnect with `Last-Event-ID` (browsers do so by themselves) to be replayed, in order and
/// once each, what was missed. Idle streams get a comment every `EVENT_HEARTBEAT_SECS`. A
/// client that reads too slowly is disconnected, and is replayed when it reconnects.
#[utoipa::path(get, path = "/events", tag = "history", operation_id = "live_changes",
    params(("Last-Event-ID" = Option<i64>, Header,
        description = "The id of the last change this client received: what came after it is sent first")),
    security(("bearer" = ["get:actors"]), ("bearer" = ["get:movies"])),
    responses(
        (status = OK, description = "An event stream that stays open. Each event's SSE `event` field is the `event` of the schema, and its `data` line the `data` (JSON)", content_type = "text/event-stream", body = LiveEventShape),
        (status = BAD_REQUEST, description = "`Last-Event-ID` is not a change id (`invalid_last_event_id`)", body = crate::server::error::ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "Every stream slot of this server is taken (`too_many_streams`), it is shutting down (`shutting_down`), or live updates are off (`live_updates_off`); see `Retry-After`", body = crate::server::error::ErrorBody),
    ))]
pub async fn events(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let core = state.core;
    let who = authenticate_reader(&core.verifier, &core.cookie, &parts).await?;
    let last_seen = last_event_id(&parts)?;
    let stream = core.service.live_stream(&who, last_seen).await?;
    // A client that stops reading leaves its stream unpolled for good: drop its connection.
    if let Some(disconnect) = parts.extensions.get::<Disconnect>().cloned() {
        let stalled = stream.stalled();
        tokio::spawn(async move {
            if stalled.await {
                tracing::info!("event stream dropped: its client stopped reading");
                disconnect.now();
            }
        });
    }
    let expires = expiry(who.expires_at());
    let keep_alive = KeepAlive::new().interval(core.event_heartbeat);
    let recheck = tokio::time::Instant::now() + RECHECK;
    let state = Streaming { stream, core, parts, expires, recheck, started: false, ended: false };
    Ok(Sse::new(futures_util::stream::unfold(state, next_event)).keep_alive(keep_alive))
}

/// The events of the stream, for the documentation: the SSE `event` field and the JSON of its
/// `data` line. (The stream writes them itself, in [`next_event`].)
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "event", content = "data", rename_all = "lowercase")]
#[allow(dead_code)]
pub enum LiveEventShape {
    /// First, once: where the stream starts.
    Ready(Position),
    /// One journal entry; the SSE `id` is its `id`.
    Change(Box<crate::model::journal::ChangeEntry>),
    /// The client missed more than 1,000 changes: reload, then carry on from `latest`.
    Resync(Position),
    /// The token expired (`token_expired`) or the session was signed out (`signed_out`); the
    /// stream ends.
    Expired(Ending),
    /// The server is stopping (`shutdown`); reconnect.
    Shutdown(Ending),
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Position {
    /// The id of the newest change the stream has accounted for; the SSE `id` too.
    latest: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Ending {
    #[schema(example = "token_expired")]
    reason: String,
}

/// The `Last-Event-ID` header: a change id, or 400.
fn last_event_id(parts: &Parts) -> Result<Option<i64>, ApiError> {
    let Some(value) = parts.headers.get("last-event-id") else { return Ok(None) };
    let id = value.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok());
    match id {
        Some(id) if id >= 0 => Ok(Some(id)),
        _ => Err(ApiError::bad_request(
            "invalid_last_event_id",
            "Last-Event-ID must be the id of a change (a whole number, 0 or more)",
        )),
    }
}

/// When a token with `exp` (seconds since the Unix epoch) runs out, on tokio's clock.
fn expiry(exp: u64) -> tokio::time::Instant {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    tokio::time::Instant::now() + Duration::from_secs(exp.saturating_sub(now))
}

struct Streaming {
    stream: LiveStream,
    core: Core,
    /// The request's head, to check its credentials again.
    parts: Parts,
    expires: tokio::time::Instant,
    recheck: tokio::time::Instant,
    started: bool,
    ended: bool,
}

async fn next_event(mut s: Streaming) -> Option<(Result<Event, Infallible>, Streaming)> {
    if s.ended {
        return None;
    }
    if !s.started {
        s.started = true;
        let latest = s.stream.start();
        let ready = Event::default()
            .event("ready")
            .id(latest.to_string())
            .retry(CLIENT_RETRY)
            .data(json!({ "latest": latest }).to_string());
        return Some((Ok(ready), s));
    }
    let event = loop {
        tokio::select! {
            biased;
            () = tokio::time::sleep_until(s.expires) => break ending(&mut s, "token_expired"),
            () = tokio::time::sleep_until(s.recheck) => {
                s.recheck = tokio::time::Instant::now() + RECHECK;
                match authenticate_reader(&s.core.verifier, &s.core.cookie, &s.parts).await {
                    Err(ApiError::Unauthorized { .. }) => break ending(&mut s, "signed_out"),
                    // Anything else (the database briefly away, say) is no reason to end it.
                    _ => continue,
                }
            }
            next = s.stream.next() => match next {
                Ok(LiveEvent::Change(change)) => {
                    break Event::default().event("change").id(change.id.to_string()).data(&change.json);
                }
                Ok(LiveEvent::Resync { latest }) => {
                    break Event::default()
                        .event("resync")
                        .id(latest.to_string())
                        .data(json!({ "latest": latest }).to_string());
                }
                Err(StreamEnd::Shutdown) => {
                    s.ended = true;
                    break Event::default().event("shutdown").data(r#"{"reason":"shutdown"}"#);
                }
                // Its buffer is full: nothing more can be sent to it anyway.
                Err(StreamEnd::TooSlow) => return None,
            },
        }
    };
    Some((Ok(event), s))
}

fn ending(s: &mut Streaming, reason: &str) -> Event {
    s.ended = true;
    Event::default().event("expired").data(json!({ "reason": reason }).to_string())
}
