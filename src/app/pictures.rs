//! Faces and posters: the small picture in lists and casts (initials when there is none), the
//! card on a record's page, and the upload form. The form is a plain multipart form that works
//! without JavaScript; once the page is live it adds drag and drop, a preview, progress and
//! errors in place.

use leptos::{either::Either, html, prelude::*};
use leptos_router::hooks::use_query_map;

use crate::{
    app::notices::use_notices,
    model::{
        Picture,
        picture::{
            ACCEPTED_NAMES, ACCEPTED_TYPES, PictureOwner, PictureSize, initials, upload_problem,
        },
    },
};

/// A record's small picture, or its initials on a tinted disc. Decorative: the name is next
/// to it. Lazy, with its size set, so a long list neither loads every image nor shifts.
#[component]
pub fn Face(
    picture: Option<Picture>,
    name: String,
    #[prop(optional)] poster: bool,
) -> impl IntoView {
    let class = if poster { "face poster" } else { "face" };
    match picture {
        Some(picture) => {
            let (width, height) = picture.size_of(PictureSize::Thumb);
            Either::Left(view! {
                <img class=class src=picture.urls.thumb width=width height=height loading="lazy"
                    decoding="async" alt="" />
            })
        }
        None => Either::Right(view! {
            <span class=format!("{class} placeholder") aria-hidden="true">{initials(&name)}</span>
        }),
    }
}

/// The picture on a record's page, at card size, linking to the full size.
#[component]
pub fn PictureCard(
    picture: Signal<Option<Picture>>,
    name: Signal<String>,
    owner: PictureOwner,
) -> impl IntoView {
    let class = match owner {
        PictureOwner::Actor => "picture-card",
        PictureOwner::Movie => "picture-card poster",
    };
    move || {
        let label = name.get();
        match picture.get() {
            Some(picture) => {
                let (width, height) = picture.size_of(PictureSize::Card);
                let alt = format!("{} of {label}", capitalised(owner.picture_name()));
                Either::Left(view! {
                    <a class=class href=picture.urls.full.clone()>
                        <img src=picture.urls.card width=width height=height alt=alt decoding="async" />
                    </a>
                })
            }
            None => Either::Right(view! {
                <div class=format!("{class} placeholder") aria-hidden="true">{initials(&label)}</div>
            }),
        }
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A file chosen for upload, before it is sent.
#[derive(Clone, Debug, PartialEq)]
struct Chosen {
    preview_url: String,
    name: String,
    bytes: f64,
}

/// Upload or remove a record's picture. `on_saved` gets the record (JSON) after a change made
/// with JavaScript; without it the form posts and the server sends the page back with
/// `?picture=saved` or `?picture_error=<code>`, said here.
#[component]
pub fn PictureUploader(
    owner: PictureOwner,
    id: i64,
    has_picture: Signal<bool>,
    on_saved: Callback<serde_json::Value>,
) -> impl IntoView {
    let path = owner.path(id);
    let what = owner.picture_name();
    let input_id = format!("{what}-file-{id}");
    let input = NodeRef::<html::Input>::new();
    let chosen = RwSignal::new(None::<Chosen>);
    let progress = RwSignal::new(None::<f64>);
    let dragging = RwSignal::new(false);
    // The outcome of a form post without JavaScript, then of each upload made with it.
    let query = use_query_map();
    let (saved, failed) =
        query.with_untracked(|q| (q.get("picture").is_some(), q.get("picture_error")));
    let error = RwSignal::new(failed.map(|code| upload_problem(&code).to_owned()));
    let said = RwSignal::new(saved.then(|| format!("{} saved.", capitalised(what))));
    let notices = use_notices();
    let busy = move || progress.get().is_some();

    let done = move |status: u16, body: String| {
        progress.set(None);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if status == 200 {
            let record = json.get(owner.as_str()).cloned().unwrap_or_default();
            let removed = record.get(what).is_some_and(serde_json::Value::is_null);
            let text = match removed {
                true => format!("{} removed.", capitalised(what)),
                false => format!("{} saved.", capitalised(what)),
            };
            notices.say(text.clone());
            said.set(Some(text));
            error.set(None);
            if let Some(c) = chosen.get_untracked() {
                browser_revoke(&c.preview_url);
            }
            chosen.set(None);
            on_saved.run(record);
        } else {
            let code = json.get("code").and_then(|c| c.as_str()).unwrap_or_default();
            let message = match (status, json.get("message").and_then(|m| m.as_str())) {
                (0, _) => {
                    "The upload did not reach the server; check the connection and try again."
                        .to_owned()
                }
                // The server's own words name the limits (its configured size, the pixels).
                (_, Some(message)) if code != "internal_error" => {
                    format!("{} ({message})", upload_problem(code))
                }
                _ => upload_problem(code).to_owned(),
            };
            error.set(Some(message));
            said.set(None);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            ev.prevent_default();
            let Some(form) =
                ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            error.set(None);
            said.set(None);
            progress.set(Some(0.0));
            let url = owner.path(id);
            let sent = browser::send_form(&form, &url, move |p| progress.set(Some(p)), done);
            if sent.is_err() {
                done(0, String::new());
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, done);
    };
    let on_choose = move || {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get_untracked() {
            if let Some(old) = chosen.get_untracked() {
                browser::revoke(&old.preview_url);
            }
            let picked = browser::chosen(&input);
            error.set(None);
            said.set(None);
            chosen.set(picked.map(|(preview_url, name, bytes, kind)| {
                if !ACCEPTED_TYPES.split(',').any(|t| t == kind) {
                    error.set(Some(upload_problem("unsupported_image").to_owned()));
                }
                Chosen { preview_url, name, bytes }
            }));
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(field) = input.get_untracked()
            && browser::take_dropped(&ev, &field)
        {
            on_choose();
        }
    };
    let remove_label = format!("Remove {what}");
    view! {
        <section class="picture-upload" id="picture" aria-label=format!("Change the {what}")>
            <form method="post" action=path.clone() enctype="multipart/form-data"
                class="drop-zone" class:dragging=move || dragging.get()
                on:submit=on_submit
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop>
                <label for=input_id.clone()>
                    <strong>{format!("Choose a new {what}")}</strong>
                    <span class="hint">{format!(" ({ACCEPTED_NAMES}), or drop one here")}</span>
                </label>
                <input type="file" id=input_id name="file" accept=ACCEPTED_TYPES required
                    node_ref=input on:change=move |_| on_choose() />
                {move || chosen.get().map(|c| view! {
                    <figure class="upload-preview">
                        <img src=c.preview_url alt=format!("Preview of {}", c.name) />
                        <figcaption>{c.name.clone()} " · " {format_size(c.bytes)}</figcaption>
                    </figure>
                })}
                {move || progress.get().map(|p| {
                    let percent = crate::app::upload::percent(p);
                    view! {
                        <progress max="100" value=percent.to_string() aria-label="Upload progress">
                            {format!("{percent}%")}
                        </progress>
                    }
                })}
                <div class="form-buttons">
                    <button class="button" type="submit" disabled=busy>
                        {move || if busy() { "Uploading…".to_owned() } else { format!("Upload {what}") }}
                    </button>
                </div>
            </form>
            {move || has_picture.get().then(|| view! {
                <form method="post" action=owner.path(id) enctype="multipart/form-data"
                    class="inline" on:submit=on_submit>
                    <input type="hidden" name="action" value="remove" />
                    <button class="button secondary small" type="submit" disabled=busy>
                        {remove_label.clone()}
                    </button>
                </form>
            })}
            <p class="upload-status" role="status">{move || said.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// "2.4 MB", "180 KB". In whole numbers: formatting an `f64` would put Rust's float printing
/// into the browser bundle for this one line.
fn format_size(bytes: f64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let bytes = bytes as u64;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", ((bytes + KB / 2) / KB).max(1))
    }
}

fn browser_revoke(_url: &str) {
    #[cfg(feature = "hydrate")]
    browser::revoke(_url);
}

/// What only a browser can do: read the chosen file, preview it, send the form with progress.
#[cfg(feature = "hydrate")]
mod browser {
    use web_sys::HtmlInputElement;

    pub use crate::app::upload::send_form;

    /// The file in `input`: a preview URL, its name, size and type.
    pub fn chosen(input: &HtmlInputElement) -> Option<(String, String, f64, String)> {
        let file = input.files()?.get(0)?;
        let url = web_sys::Url::create_object_url_with_blob(&file).ok()?;
        Some((url, file.name(), file.size(), file.type_()))
    }

    pub fn revoke(url: &str) {
        let _ = web_sys::Url::revoke_object_url(url);
    }

    /// Puts the dropped file into the form's file field; `false` if nothing was dropped.
    pub fn take_dropped(ev: &web_sys::DragEvent, input: &HtmlInputElement) -> bool {
        match ev.data_transfer().and_then(|d| d.files()) {
            Some(files) if files.length() > 0 => {
                input.set_files(Some(&files));
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(format_size(10.0), "1 KB");
        assert_eq!(format_size(180.0 * 1024.0), "180 KB");
        assert_eq!(format_size(2.44 * 1024.0 * 1024.0), "2.4 MB");
        assert_eq!(format_size(2.46 * 1024.0 * 1024.0), "2.5 MB");
        assert_eq!(format_size(1024.0 * 1024.0), "1.0 MB");
    }
}
