//! Live updates in the web app: one `EventSource` per tab on `GET /events` (the session cookie
//! authenticates it), handed to whichever components are on screen. Each component decides
//! what a change means to it (reload a list, update a heading) and holds back while the person
//! is editing. Without JavaScript there is no stream: pages are simply not live.

use std::{collections::HashMap, sync::Arc};

use leptos::prelude::*;

use crate::model::{RawJson, journal::ChangedBy};

/// The state of the tab's stream, shown by [`LiveIndicator`].
// Only the browser build connects, so only it makes the other states.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    /// Not connected, and not trying (server-rendered, signed out, or the session ended).
    Off,
    Connecting,
    Live,
    /// The connection dropped; the browser reconnects and is replayed what it missed.
    Reconnecting,
}

impl LiveStatus {
    fn as_str(self) -> &'static str {
        match self {
            LiveStatus::Off => "off",
            LiveStatus::Connecting => "connecting",
            LiveStatus::Live => "live",
            LiveStatus::Reconnecting => "reconnecting",
        }
    }
}

/// A change as the stream sends it (a journal entry, `model::journal::ChangeEntry`), with what
/// the web app reads of it. The record after the change stays JSON text until a page that
/// shows the record reads it as one (`follow_record`); the record before it is not read.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, serde::Deserialize)]
pub struct StreamChange {
    pub entity: String,
    pub entity_id: i64,
    #[serde(default)]
    pub actor_id: Option<i64>,
    pub action: String,
    pub by: ChangedBy,
    #[serde(default)]
    pub after: Option<RawJson>,
}

impl StreamChange {
    /// The new record's `field` (`name` or `title`), when it is a string.
    pub fn after_text(&self, field: &str) -> Option<String> {
        let mut record = self.after.as_ref()?.read::<HashMap<String, RawJson>>()?;
        record.remove(field)?.read()
    }
}

/// What the stream says (in the browser build; the server never has a stream to read).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug)]
pub enum LiveMessage {
    Change(Arc<StreamChange>),
    /// More was missed than the server replays: reload everything shown.
    Resync,
}

impl LiveMessage {
    /// Whether this is a change of `entity` (`actor`, `movie`, `casting`), or a resync (which
    /// concerns everything).
    pub fn concerns(&self, entity: &str) -> bool {
        match self {
            LiveMessage::Change(change) => change.entity == entity,
            LiveMessage::Resync => true,
        }
    }
}

type Listener = Arc<dyn Fn(&LiveMessage) + Send + Sync>;

#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<LiveStatus>,
    listeners: StoredValue<Vec<(u64, Listener)>>,
    next_listener: StoredValue<u64>,
    connected: StoredValue<bool>,
}

pub fn provide_live() {
    provide_context(Live {
        status: RwSignal::new(LiveStatus::Off),
        listeners: StoredValue::new(Vec::new()),
        next_listener: StoredValue::new(0),
        connected: StoredValue::new(false),
    });
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

impl Live {
    /// Calls `listener` with every message, for as long as the calling component lives.
    pub fn subscribe(self, listener: impl Fn(&LiveMessage) + Send + Sync + 'static) {
        let id = self.next_listener.get_value();
        self.next_listener.set_value(id + 1);
        self.listeners.update_value(|all| all.push((id, Arc::new(listener))));
        on_cleanup(move || {
            self.listeners.try_update_value(|all| all.retain(|(other, _)| *other != id));
        });
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn dispatch(self, message: LiveMessage) {
        // Copied out first: a listener may subscribe or unsubscribe (a reload) while called.
        let listeners: Vec<Listener> =
            self.listeners.with_value(|all| all.iter().map(|(_, l)| l.clone()).collect());
        for listener in listeners {
            listener(&message);
        }
    }

    /// Opens the tab's stream (once; later calls do nothing). Browser only.
    pub fn connect(self) {
        if self.connected.get_value() {
            return;
        }
        self.connected.set_value(true);
        // The stream's code (reading it, reconnecting) is in a chunk loaded after the page is
        // interactive: a first paint does not need it.
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(browser::open(self));
    }
}

/// How long after a matching change a section reloads: a burst of writes (an import, a
/// colleague's quick edits) costs one reload, not one each.
const COALESCE: std::time::Duration = std::time::Duration::from_millis(150);
/// How often a section that held a reload back checks whether the person has finished.
const RECHECK_BUSY: std::time::Duration = std::time::Duration::from_millis(500);

/// Reloads a section (by bumping `changed`) shortly after the changes `wanted` accepts, and
/// never while `busy()` says the person is in the middle of something there (an open editor):
/// then as soon as they are not.
pub fn reload_on(
    wanted: impl Fn(&LiveMessage) -> bool + Send + Sync + 'static,
    busy: impl Fn() -> bool + Send + Sync + 'static,
    changed: RwSignal<u32>,
) {
    let scheduled = StoredValue::new(false);
    let busy: Arc<dyn Fn() -> bool + Send + Sync> = Arc::new(busy);
    use_live().subscribe(move |message| {
        if wanted(message) && !scheduled.get_value() {
            scheduled.set_value(true);
            reload_later(scheduled, busy.clone(), changed, COALESCE);
        }
    });
}

fn reload_later(
    scheduled: StoredValue<bool>,
    busy: Arc<dyn Fn() -> bool + Send + Sync>,
    changed: RwSignal<u32>,
    after: std::time::Duration,
) {
    set_timeout(
        move || {
            // The section is gone (the person navigated away): nothing to reload.
            if scheduled.try_get_value().is_none() {
                return;
            }
            if busy() {
                reload_later(scheduled, busy, changed, RECHECK_BUSY);
            } else {
                scheduled.set_value(false);
                changed.try_update(|n| *n += 1);
            }
        },
        after,
    );
}

/// Whether `section` holds an open `<details>` (an inline editor someone opened).
pub fn has_open_editor(section: NodeRef<leptos::html::Section>) -> bool {
    #[cfg(feature = "hydrate")]
    {
        section
            .get_untracked()
            .is_some_and(|el| el.query_selector("details[open]").ok().flatten().is_some())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = section;
        false
    }
}

/// Keeps a record's page current: `shown` takes each new state of record `id` (of `entity`,
/// `actor` or `movie`) from the stream, and `gone` the name of whoever deleted it (cleared by a
/// restore). The journal entry carries the record as the API renders it, so no reload is needed.
pub fn follow_record<T>(
    entity: &'static str,
    id: i64,
    shown: RwSignal<T>,
    gone: RwSignal<Option<String>>,
) where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    use_live().subscribe(move |message| {
        let LiveMessage::Change(change) = message else { return };
        if change.entity != entity || change.entity_id != id {
            return;
        }
        if change.action == "delete" {
            let by = change.by.name.clone().unwrap_or_else(|| change.by.sub.clone());
            gone.set(Some(by));
        } else if let Some(record) = change.after.as_ref().and_then(RawJson::read::<T>) {
            shown.set(record);
            gone.set(None);
        }
    });
}

/// Said on a record's page when someone else deleted it while it was open.
#[component]
pub fn DeletedNotice(gone: RwSignal<Option<String>>, back: &'static str) -> impl IntoView {
    move || {
        gone.get().map(|by| {
            view! {
                <p class="notice gone" role="alert">
                    {format!("{by} deleted this record. It can be restored from the Trash. ")}
                    <a href=back>"Back to the list"</a>
                </p>
            }
        })
    }
}

/// A small dot and word in the top bar: live, or reconnecting. Nothing while off, which is
/// also how the server renders it (so hydration matches).
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let status = use_live().status;
    let label = move || match status.get() {
        LiveStatus::Off => "",
        LiveStatus::Connecting => "Connecting…",
        LiveStatus::Live => "Live",
        LiveStatus::Reconnecting => "Reconnecting…",
    };
    let title = move || match status.get() {
        LiveStatus::Live => "Changes made by others appear here as they happen",
        LiveStatus::Reconnecting => "The live connection dropped; reconnecting",
        _ => "",
    };
    view! {
        <span class="live-indicator" data-state=move || status.get().as_str() title=title>
            {label}
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::sync::Arc;

    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{EventSource, MessageEvent};

    use super::{Live, LiveMessage, LiveStatus, StreamChange};

    /// How long to wait before opening a new stream after the server refused one (every
    /// slot taken, say); a dropped stream is reopened by the browser itself.
    const REOPEN_AFTER_MS: i32 = 10_000;

    /// Opens the stream (`#[lazy]`: from its own chunk, loaded on the first call).
    #[leptos::lazy]
    pub(super) fn open(live: Live) {
        open_now(live);
    }

    fn open_now(live: Live) {
        let Ok(source) = EventSource::new("/events") else {
            live.status.set(LiveStatus::Off);
            return;
        };
        live.status.set(LiveStatus::Connecting);
        let on = |name: &str, handler: Box<dyn FnMut(MessageEvent)>| {
            let closure = Closure::wrap(handler);
            let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
            // Lives as long as the stream, which lives as long as the tab.
            closure.forget();
        };
        on("ready", Box::new(move |_| live.status.set(LiveStatus::Live)));
        on(
            "change",
            Box::new(move |event| {
                let Some(text) = event.data().as_string() else { return };
                if let Ok(change) = serde_json::from_str::<StreamChange>(&text) {
                    live.status.set(LiveStatus::Live);
                    live.dispatch(LiveMessage::Change(Arc::new(change)));
                }
            }),
        );
        on("resync", Box::new(move |_| live.dispatch(LiveMessage::Resync)));
        on("shutdown", Box::new(move |_| live.status.set(LiveStatus::Reconnecting)));
        let expired_source = source.clone();
        on(
            "expired",
            Box::new(move |_| {
                expired_source.close();
                live.status.set(LiveStatus::Off);
            }),
        );
        let failed_source = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if failed_source.ready_state() == EventSource::CLOSED {
                // Refused (not a dropped connection, which the browser retries itself): try
                // again later with a new stream, unless the session ended meanwhile.
                if live.status.get_untracked() != LiveStatus::Off {
                    live.status.set(LiveStatus::Reconnecting);
                    let retry = Closure::once_into_js(move || {
                        if live.status.get_untracked() == LiveStatus::Reconnecting {
                            open_now(live);
                        }
                    });
                    if let Some(window) = web_sys::window() {
                        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                            retry.unchecked_ref(),
                            REOPEN_AFTER_MS,
                        );
                    }
                }
            } else {
                live.status.set(LiveStatus::Reconnecting);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
    }
}
