//! `/import/actors` and `/import/movies`: load a spreadsheet. Choose a CSV file, see what a
//! dry run found (a preview of the rows, every problem by row and column), then confirm; the
//! result links to the new rows and can be undone at once.

use leptos::{
    either::{EitherOf3, EitherOf6},
    html,
    prelude::*,
};
use leptos_meta::Title;

use crate::app::suspended::suspended;

use crate::{
    app::{
        messages::human, notices::use_notices, session_ui::SignInPrompt, upload::percent,
        use_session,
    },
    model::{
        Permission,
        spreadsheet::{IMPORT_DEFAULT_MAX_BYTES, IMPORT_MAX_ROWS, ImportReport},
    },
    rpc::history::undo_batch,
};

/// What is imported: actors or movies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Actors,
    Movies,
}

impl ImportKind {
    fn many(self) -> &'static str {
        match self {
            ImportKind::Actors => "actors",
            ImportKind::Movies => "movies",
        }
    }

    fn one(self) -> &'static str {
        match self {
            ImportKind::Actors => "actor",
            ImportKind::Movies => "movie",
        }
    }

    fn permission(self) -> Permission {
        match self {
            ImportKind::Actors => Permission::PostActors,
            ImportKind::Movies => Permission::PostMovies,
        }
    }

    fn columns(self) -> &'static str {
        match self {
            ImportKind::Actors => "name, age and gender",
            ImportKind::Movies => "title and, if known, release_date (YYYY-MM-DD)",
        }
    }

    fn noun(self, n: usize) -> String {
        format!("{n} {}", if n == 1 { self.one() } else { self.many() })
    }
}

/// Where the page is: nothing sent yet, a request on its way, or an answer.
#[derive(Clone, PartialEq)]
// Only a live page sends, so the server build never makes `Sending`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Step {
    Choose,
    Sending { dry_run: bool, progress: f64 },
    Checked(ImportReport),
    Refused(ImportReport),
    Imported(ImportReport),
    Failed(String),
}

#[component]
pub fn ImportPage(kind: ImportKind) -> impl IntoView {
    let session = use_session();
    let title = format!("Import {}", kind.many());
    view! {
        <Title text=title.clone() />
        <p><a href=format!("/{}", kind.many())>{format!("← All {}", kind.many())}</a></p>
        <h1>{title}</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                match session.as_ref().and_then(|s| s.user.clone()) {
                    None => {
                        let expired = session.is_some_and(|s| s.expired);
                        EitherOf3::A(view! { <SignInPrompt expired what="the import" /> })
                    }
                    Some(user) if !user.can(kind.permission()) => EitherOf3::B(view! {
                        <p class="error" role="alert">
                            {format!("Your role may not add {}, so it may not import them.", kind.many())}
                        </p>
                    }),
                    Some(_) => EitherOf3::C(view! { <Importer kind /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Importer(kind: ImportKind) -> impl IntoView {
    let step = RwSignal::new(Step::Choose);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let form = NodeRef::<html::Form>::new();
    let send = move |dry_run: bool| {
        let url = format!("/{}/import{}", kind.many(), if dry_run { "?dry_run=true" } else { "" });
        send(form, &url, dry_run, kind, step);
    };
    let max_mb = IMPORT_DEFAULT_MAX_BYTES / (1024 * 1024);
    view! {
        <p>
            "Load a spreadsheet saved as CSV (UTF-8; cells separated by commas or semicolons). "
            {format!("Its first row names the columns: {}, in any order. ", kind.columns())}
            {format!("Other columns are ignored. At most {} rows and {max_mb} MB.", thousands(IMPORT_MAX_ROWS))}
        </p>
        <p>"Every row is checked first. If any has a problem, nothing is added and the list below says which row and column to fix."</p>
        <form class="panel import-form" node_ref=form on:submit=move |ev| { ev.prevent_default(); send(true); }>
            <label for="import-file">"CSV file"</label>
            <input id="import-file" type="file" name="file" accept=".csv,text/csv" required
                on:change=move |_| step.set(Step::Choose) />
            <button class="button" type="submit"
                disabled=move || !live.get() || matches!(step.get(), Step::Sending { .. })>
                "Check the file"
            </button>
            {move || (!live.get()).then(|| view! { <p class="hint">"This page needs JavaScript."</p> })}
        </form>
        <div class="import-status" aria-live="polite">
            {move || match step.get() {
                Step::Choose => EitherOf6::A(()),
                Step::Sending { dry_run, progress } => {
                    let doing = if dry_run { "Checking" } else { "Importing" };
                    let text = if progress < 1.0 {
                        format!("{doing}: sending the file ({}%)…", percent(progress))
                    } else {
                        format!("{doing} the rows…")
                    };
                    EitherOf6::B(view! {
                        <p class="loading">{text}</p>
                        <progress max="1" value=progress.to_string()></progress>
                    })
                }
                Step::Failed(message) => EitherOf6::C(view! { <p class="error" role="alert">{message}</p> }),
                Step::Refused(report) => EitherOf6::D(view! {
                    <p class="error" role="alert">
                        {format!("{} found in {} rows; nothing was added. Fix the file and check it again.",
                            problems(report.problems.len()), report.rows)}
                    </p>
                    <Problems report=report.clone() />
                    <Ignored report />
                }),
                Step::Checked(report) => EitherOf6::E(view! {
                    <p class="success">{format!("All {} are ready to add.", kind.noun(report.rows))}</p>
                    <Ignored report=report.clone() />
                    <Preview report />
                    <button class="button" type="button" on:click=move |_| send(false)>
                        {move || match step.get() {
                            Step::Checked(r) => format!("Import {}", kind.noun(r.rows)),
                            _ => "Import".to_owned(),
                        }}
                    </button>
                }),
                Step::Imported(report) => EitherOf6::F(view! { <Imported kind report /> }),
            }}
        </div>
    }
}

/// `10000` as `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn problems(n: usize) -> String {
    format!("{n} problem{}", if n == 1 { "" } else { "s" })
}

/// Sends the form; the answer moves `step` on. (Only a live page sends: the button that
/// calls this is disabled until then.)
fn send(
    form: NodeRef<html::Form>,
    url: &str,
    dry_run: bool,
    kind: ImportKind,
    step: RwSignal<Step>,
) {
    #[cfg(feature = "hydrate")]
    {
        let Some(form) = form.get_untracked() else { return };
        step.set(Step::Sending { dry_run, progress: 0.0 });
        let progress = move |p: f64| step.set(Step::Sending { dry_run, progress: p });
        let done = move |status: u16, body: String| step.set(answer(status, &body, dry_run, kind));
        if crate::app::upload::send_form(&form, url, progress, done).is_err() {
            step.set(Step::Failed("The file could not be sent from this browser.".into()));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (form, url, dry_run, kind, step);
}

/// What an answer means for the page.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn answer(status: u16, body: &str, dry_run: bool, kind: ImportKind) -> Step {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let report = || serde_json::from_value::<ImportReport>(json.clone()).ok();
    let message = json.get("message").and_then(|m| m.as_str()).unwrap_or_default().to_owned();
    match (status, json.get("code").and_then(|c| c.as_str())) {
        (200, _) => match (report(), dry_run) {
            (Some(report), true) => Step::Checked(report),
            (Some(report), false) => Step::Imported(report),
            (None, _) => Step::Failed("The server's answer could not be read; try again.".into()),
        },
        (422, Some("invalid_rows")) => match report() {
            Some(report) => Step::Refused(report),
            None => Step::Failed(message),
        },
        (0, _) => Step::Failed(
            "No connection to the server: check the network and try again. Nothing was added."
                .into(),
        ),
        (401, _) => Step::Failed(
            "Your session has ended: sign in again, then choose the file again.".into(),
        ),
        (403, _) => Step::Failed(format!("Your role may not add {}.", kind.many())),
        (413 | 415 | 422 | 400, _) if !message.is_empty() => {
            Step::Failed(format!("This file cannot be imported: {message}."))
        }
        (429, _) => Step::Failed("Too many changes at once: wait a minute and try again.".into()),
        _ => Step::Failed(
            "The server could not handle this file (it may be busy); try again. Nothing was added."
                .into(),
        ),
    }
}

/// The problems, by row and column.
#[component]
fn Problems(report: ImportReport) -> impl IntoView {
    view! {
        <table class="data problems">
            <caption>"Problems"</caption>
            <thead><tr><th scope="col">"Row"</th><th scope="col">"Column"</th><th scope="col">"Problem"</th></tr></thead>
            <tbody>
                {report.problems.into_iter().map(|p| view! {
                    <tr>
                        <td data-label="Row">{p.row}</td>
                        <td data-label="Column">{p.column.unwrap_or_default()}</td>
                        <td data-label="Problem">{p.message}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The first rows as they will be stored.
#[component]
fn Preview(report: ImportReport) -> impl IntoView {
    let shown = report.preview.len();
    let columns = report.columns.clone();
    view! {
        <table class="data preview">
            <caption>{format!("The first {shown} of {} rows, as they will be added", report.rows)}</caption>
            <thead><tr>{columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
            <tbody>
                {report.preview.into_iter().map(|row| {
                    let columns = columns.clone();
                    view! {
                        <tr>{row.into_iter().zip(columns).map(|(cell, column)| view! { <td data-label=column>{cell}</td> }).collect_view()}</tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The file's columns that are not imported.
#[component]
fn Ignored(report: ImportReport) -> impl IntoView {
    (!report.ignored_columns.is_empty()).then(|| {
        view! { <p class="hint">{format!("Ignored columns: {}.", report.ignored_columns.join(", "))}</p> }
    })
}

/// The new rows, and one Undo for all of them (the import's batch, in one transaction).
#[component]
fn Imported(kind: ImportKind, report: ImportReport) -> impl IntoView {
    let notices = use_notices();
    let undone = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let first = report.created.first().copied();
    let batch = report.batch.clone();
    let undo = move |_| {
        let Some(batch) = batch.clone() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match undo_batch(batch).await {
                Ok(done) => {
                    notices.say(format!(
                        "Undone: the {} are in the trash.",
                        kind.noun(done.undone.len())
                    ));
                    undone.set(true);
                }
                Err(err) => notices.say(format!("The import could not be undone. {}", human(&err))),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="success" role="status">{format!("Imported {}.", kind.noun(report.created.len()))}</p>
        <p class="list-tools">
            <a class="button" href=format!("/{}", kind.many())>{format!("See the {}", kind.many())}</a>
            {first.map(|id| view! { <a class="button secondary" href=format!("/{}/{id}", kind.many())>"Open the first new row"</a> })}
            <button class="button secondary" type="button" disabled=move || busy.get() || undone.get() on:click=undo>
                {move || if undone.get() { "Undone" } else { "Undo this import" }}
            </button>
        </p>
    }
}
