//! A record's history on its page: who changed what and when, field by field ("age 34 → 35").

use leptos::{
    either::{Either, EitherOf3},
    prelude::*,
};
use serde_json::Value;

use crate::{
    app::{
        live::{LiveMessage, reload_on},
        messages::human,
        suspended::suspended,
    },
    model::{dates, journal::ChangeEntry},
    rpc::history::get_history,
};

#[component]
pub fn HistorySection(kind: &'static str, id: i64) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let changes = Resource::new(move || changed.get(), move |_| get_history(kind.to_owned(), id));
    // A new change to this record (or to its cast) adds a line at the top.
    reload_on(move |message| concerns_record(message, kind, id), || false, changed);
    view! {
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
                {suspended(move || async move {
                    match changes.await {
                        Ok(list) if list.is_empty() => EitherOf3::A(view! {
                            <p class="empty">"No changes recorded yet (the journal began after this record was made)."</p>
                        }),
                        Ok(list) => EitherOf3::B(view! {
                            <ol class="history">
                                {list.into_iter().map(|change| view! { <HistoryItem change /> }).collect_view()}
                            </ol>
                        }),
                        Err(err) => EitherOf3::C(view! { <p class="error" role="alert">{human(&err)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Whether `message` is about the record `kind` `id`: a change of it, or of a casting in it.
fn concerns_record(message: &LiveMessage, kind: &str, id: i64) -> bool {
    let LiveMessage::Change(c) = message else { return true };
    match (kind, c.entity.as_str()) {
        (kind, entity) if kind == entity => c.entity_id == id,
        ("movie", "casting") => c.entity_id == id,
        ("actor", "casting") => c.actor_id == Some(id),
        _ => false,
    }
}

/// One change. `linked`: name the record it is about, with a link to it (the activity feed,
/// where changes to many records mix).
#[component]
pub fn HistoryItem(change: ChangeEntry, #[prop(optional)] linked: bool) -> impl IntoView {
    let who = change.by.name.clone().unwrap_or_else(|| change.by.sub.clone());
    let what = summary(&change);
    let fields = field_changes(&change);
    let record = linked.then(|| record_link(&change)).flatten();
    view! {
        <li>
            <p>
                <strong>{who}</strong> " " {what}
                {record.map(|(href, name)| view! { " " {match href {
                    Some(href) => Either::Left(view! { <a href=href>{name}</a> }),
                    None => Either::Right(view! { <span>{name}</span> }),
                }} })}
                " · "
                <When at=change.at.clone() />
            </p>
            {(!fields.is_empty()).then(|| view! {
                <ul class="field-changes">
                    {fields.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// The actor or movie a change is about, by name, with a link unless it was deleted then.
/// (A casting names both already.)
fn record_link(change: &ChangeEntry) -> Option<(Option<String>, String)> {
    let any = change.after.as_ref().or(change.before.as_ref());
    let (path, key) = match change.entity.as_str() {
        "actor" => ("actors", "name"),
        "movie" => ("movies", "title"),
        _ => return None,
    };
    let href = (change.action != "delete").then(|| format!("/{path}/{}", change.entity_id));
    Some((href, format!("“{}”", text(any, key))))
}

fn text(value: Option<&Value>, key: &str) -> String {
    match value.and_then(|v| v.get(key)) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "none".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// "changed the actor", "cast Ann Lee as Olivia in Twelfth Night", …
fn summary(change: &ChangeEntry) -> String {
    let (before, after) = (change.before.as_ref(), change.after.as_ref());
    let any = after.or(before);
    let casting = || (text(any, "actor_name"), text(any, "movie_title"));
    match (change.entity.as_str(), change.action.as_str()) {
        ("casting", "cast") => {
            let (actor, movie) = casting();
            match text(after, "character") {
                c if c == "none" => format!("cast {actor} in {movie}"),
                c => format!("cast {actor} as {c} in {movie}"),
            }
        }
        ("casting", "recast") => {
            let (actor, movie) = casting();
            format!("changed {actor}'s character in {movie}")
        }
        ("casting", "uncast") => {
            let (actor, movie) = casting();
            format!("removed {actor} from the cast of {movie}")
        }
        (entity, "create") => format!("added the {entity}"),
        (entity, "update") => format!("changed the {entity}"),
        (entity, "delete") => format!("deleted the {entity}"),
        (entity, "restore") => format!("restored the {entity} from the trash"),
        (entity, action) => format!("{action} ({entity})"),
    }
}

/// "age: 34 → 35", one line per field that changed.
fn field_changes(change: &ChangeEntry) -> Vec<String> {
    let (Some(Value::Object(before)), Some(Value::Object(after))) = (&change.before, &change.after)
    else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(key, value)| {
            !matches!(
                key.as_str(),
                "id" | "version" | "movie_id" | "actor_id" | "movie_title" | "actor_name"
            ) && before.get(*key) != Some(*value)
        })
        .map(|(key, _)| {
            let label = key.replace('_', " ");
            // A picture changes as a whole; its hash and URLs mean nothing to a reader.
            if matches!(key.as_str(), "photo" | "poster") {
                let had = |side: &Option<Value>| {
                    side.as_ref().and_then(|v| v.get(key)).is_some_and(|v| !v.is_null())
                };
                return match (had(&change.before), had(&change.after)) {
                    (false, true) => format!("{label}: added"),
                    (true, false) => format!("{label}: removed"),
                    _ => format!("{label}: replaced"),
                };
            }
            format!(
                "{label}: {} → {}",
                text(change.before.as_ref(), key),
                text(change.after.as_ref(), key)
            )
        })
        .collect()
}

/// When a change was made: in UTC as the server renders it (and without JavaScript), then in
/// the reader's own time zone and format once the page is live.
#[component]
pub(super) fn When(at: String) -> impl IntoView {
    let shown = RwSignal::new(when(&at));
    let instant = at.clone();
    // Effects run only in the browser, after hydration, so the first render matches the
    // server's.
    Effect::new(move |_| {
        if let Some(local) = local_time(&instant) {
            shown.set(local);
        }
    });
    view! { <time class="muted" datetime=at>{move || shown.get()}</time> }
}

/// `at` in the browser's time zone and locale (day, month, year, hour, minute).
fn local_time(at: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at));
        if date.get_time().is_nan() {
            return None;
        }
        let options = js_sys::Object::new();
        for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
            js_sys::Reflect::set(&options, &key.into(), &value.into()).ok()?;
        }
        date.to_locale_string("default", &options).as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        None
    }
}

/// The server's rendering of a change's instant, the same in the browser (hydration matches).
fn when(at: &str) -> String {
    dates::stored_to_display(at).unwrap_or_else(|| at.to_owned())
}
