//! One edit action and one delete action per table, shared by its rows' forms.
//!
//! Why not one per row: an action is half a dozen signals, and each row built two, plus an
//! effect and the memos behind its buttons, all built and dropped on every server render of
//! the list (README § Performance). A row only needs to know whether the last submission was
//! its own, which the action's input says.

use leptos::{either::EitherOf3, prelude::*, server_fn::ServerFn};

use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::{
    app::{
        conflict::{self, Versioned},
        forms::{FormError, current_error},
        list_controls::{ListState, RowEditor, use_row_editor},
        messages::human,
        notices::{Notices, Undo, use_notices},
        suspended::reactive,
    },
    model::{Actor, AppError, Movie},
};

/// A record's name as people know it (an actor's name, a movie's title), for notices, and
/// what it takes to restore it from the trash.
pub trait Named {
    /// `actor` or `movie`, as the trash knows it.
    const KIND: &'static str;
    fn id(&self) -> i64;
    fn name(&self) -> &str;
}

impl Named for Actor {
    const KIND: &'static str = "actor";
    fn id(&self) -> i64 {
        self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for Movie {
    const KIND: &'static str = "movie";
    fn id(&self) -> i64 {
        self.id
    }
    fn name(&self) -> &str {
        &self.title
    }
}

/// The Undo of a delete's notice: restores the record from the trash and says so.
fn undo_delete(kind: &'static str, id: i64, name: String, changed: RwSignal<u32>) -> Undo {
    let notices = use_notices();
    std::sync::Arc::new(move || {
        leptos::task::spawn_local(restore_deleted(kind, id, name.clone(), notices, changed));
    })
}

/// What an Undo does, in a chunk loaded when someone first clicks one.
#[leptos::lazy]
async fn restore_deleted(
    kind: &'static str,
    id: i64,
    name: String,
    notices: Notices,
    changed: RwSignal<u32>,
) {
    match crate::rpc::trash::restore(kind.to_owned(), id).await {
        Ok(back) => {
            notices.say_with_link(
                format!("Restored “{}”.", back.name),
                format!("/{kind}s/{id}"),
                format!("Open {}", back.name),
            );
            changed.update(|n| *n += 1);
        }
        Err(err) => notices.say(format!("“{name}” could not be restored. {}", human(&err))),
    }
}

/// A row's Edit and Delete links, each where the user may use it. They open the row's
/// editor through the URL, so they work before hydration and without JavaScript. When the
/// row's editor has just closed, the link that opened it takes the focus back (and with it
/// the scroll position), so a keyboard user carries on where they were.
#[component]
pub fn EditorLinks(
    id: i64,
    anchor: String,
    edit: bool,
    delete: bool,
    state: Memo<ListState>,
    closed: RwSignal<Option<RowEditor>>,
) -> impl IntoView {
    // Untracked: a new search, sort or page reloads the list, and with it every row.
    let current = state.get_untracked();
    let edit = edit.then(|| current.editor_href(RowEditor::Edit(id), &anchor));
    let delete = delete.then(|| current.editor_href(RowEditor::Delete(id), &anchor));
    let edit_link = NodeRef::<leptos::html::A>::new();
    let delete_link = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        let link = match closed.get() {
            Some(RowEditor::Edit(row)) if row == id => edit_link.get(),
            Some(RowEditor::Delete(row)) if row == id => delete_link.get(),
            _ => return,
        };
        if let Some(link) = link {
            let _ = link.focus();
            closed.set(None);
        }
    });
    view! {
        {edit.map(|href| view! { <a class="button secondary" href=href data-noscroll="" node_ref=edit_link>"Edit"</a> })}
        {delete.map(|href| view! { <a class="button danger" href=href data-noscroll="" node_ref=delete_link>"Delete"</a> })}
    }
}

/// Closes the open editor without doing anything.
#[component]
pub fn CancelLink(state: Memo<ListState>) -> impl IntoView {
    view! {
        <a class="button secondary" href=move || state.get().closed_href() data-noscroll="">"Cancel"</a>
    }
}

/// Closes the open row editor: back to the same list, where the page already is.
pub fn close_editor(state: Memo<ListState>) -> impl Fn() + Clone + 'static {
    let navigate = use_navigate();
    move || {
        let options = NavigateOptions { scroll: false, ..NavigateOptions::default() };
        navigate(&state.get_untracked().closed_href(), options);
    }
}

/// Which row a server function's input is about.
pub trait RowInput {
    fn row(&self) -> i64;
}

/// A server function's input that is nothing but a row at a version (a delete).
pub trait RowOnly: RowInput {
    fn for_row(id: i64, version: i64) -> Self;
}

/// Row actions for a table whose update and delete server functions both take the row's `id`
/// (the delete nothing else). The UI's traits are implemented here, beside the UI, so the
/// server functions know nothing of the pages.
macro_rules! row_actions_for {
    ($update:ident, $delete:ident) => {
        impl $crate::app::row_actions::RowInput for $update {
            fn row(&self) -> i64 {
                self.id
            }
        }
        impl $crate::app::row_actions::RowInput for $delete {
            fn row(&self) -> i64 {
                self.id
            }
        }
        impl $crate::app::row_actions::RowOnly for $delete {
            fn for_row(id: i64, version: i64) -> Self {
                $delete { id, version: Some(version) }
            }
        }
    };
}
pub(crate) use row_actions_for;

/// A server action for a table's rows, and which row submitted it last.
pub struct RowAction<S>
where
    S: ServerFn + 'static,
{
    pub action: ServerAction<S>,
    /// What the rows read of it, free of `S`, so the row code is the same for every table.
    pub rows: RowState,
}

impl<S: ServerFn + 'static> Clone for RowAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static> Copy for RowAction<S> {}

impl<S> RowAction<S>
where
    S: ServerFn<Error = AppError> + RowInput + Clone + Send + Sync + 'static,
    S::Output: Named + Versioned + Clone + Send + Sync + 'static,
{
    /// After every success `changed` is bumped, so the list reloads, `done` runs (it closes
    /// the row's editor) and `tell` gives the notice.
    pub fn new(
        changed: RwSignal<u32>,
        done: impl Fn() + 'static,
        tell: impl Fn(&S::Output) + 'static,
    ) -> Self {
        let action = ServerAction::<S>::new();
        let row = RwSignal::new(None);
        // Made once: each call of `action.value()` or `.pending()` makes a new signal.
        let value = action.value();
        // Effects run only in the browser, where the forms are submitted.
        Effect::new(move |_| {
            if let Some(id) = action.input().with(|input| input.as_ref().map(RowInput::row)) {
                row.set(Some(id));
            }
        });
        Effect::new(move |_| {
            if let Some(output) = value.with(|value| match value {
                Some(Ok(output)) => Some(output.clone()),
                _ => None,
            }) {
                // Untracked: `done` navigates, and this must not re-run when the URL changes.
                untrack(|| {
                    tell(&output);
                    changed.update(|n| *n += 1);
                    done();
                });
            }
        });
        let error = Signal::derive(move || {
            value.with(|value| match value {
                Some(Err(err)) => Some(err.clone()),
                _ => None,
            })
        });
        let conflict_row = conflict_row::<S::Output>;
        RowAction { action, rows: RowState { row, error, pending: action.pending(), conflict_row } }
    }
}

/// Which row submitted a table's action last, and how that went.
#[derive(Clone, Copy)]
pub struct RowState {
    /// The row of the last submission made in this page (`None` before any, or when the
    /// error came back from a form posted without JavaScript, which does not say).
    row: RwSignal<Option<i64>>,
    error: Signal<Option<AppError>>,
    pending: Memo<bool>,
    /// The row a conflict is about (for the table's record type).
    conflict_row: fn(&AppError) -> Option<i64>,
}

impl RowState {
    /// The last submission's error, if it was row `id`'s. A conflict names its row (the
    /// current record), so it finds its row even from a form posted without JavaScript.
    pub fn error_for(self, id: i64) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            let error = self.error.get()?;
            match self.row.get() {
                Some(row) => (row == id).then_some(error),
                None => ((self.conflict_row)(&error) == Some(id)).then_some(error),
            }
        })
    }

    /// An error no row can claim (see `row`), shown once for the table instead.
    pub fn unclaimed_error(self) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            let error = self.error.get()?;
            (self.row.get().is_none() && (self.conflict_row)(&error).is_none()).then_some(error)
        })
    }

    /// Whether row `id`'s submission is on its way.
    pub fn pending_for(self, id: i64) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        move || self.pending.get() && self.row.get() == Some(id)
    }
}

/// The row a conflict is about: the id of its current record, read as the table's record
/// type `T` (whose reader the table's page has anyway, rather than one more in the bundle).
fn conflict_row<T: Named + Versioned>(error: &AppError) -> Option<i64> {
    Some(error.current.as_ref().filter(|_| error.is_conflict())?.read::<T>()?.id())
}

/// "Delete …?" with Confirm and Cancel. A plain form that posts to the delete server function
/// at `url`, so it works without JavaScript; once hydrated, a submit calls `confirm` instead.
/// The form carries the version the row showed; if the record changed since, the server
/// refuses, the person sees what it is now, and a second confirmation deletes that.
#[component]
fn ConfirmDelete<T: Versioned + 'static>(form: DeleteForm<T>) -> impl IntoView {
    let DeleteForm { id, version, label, url, confirm, rows, state, .. } = form;
    let pending = rows.pending_for(id);
    let error = rows.error_for(id);
    let shown = version;
    let version = Memo::new(move |_| {
        conflict::current::<T>(current_error(error)).map_or(shown, |now| Versioned::version(&now))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        if !ev.default_prevented() {
            ev.prevent_default();
            confirm.run((id, version.get_untracked()));
        }
    };
    let discard_href = Signal::derive(move || state.get().closed_href());
    view! {
        <form action=url method="post" class="confirm-delete" on:submit=submit>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=move || version.try_get().unwrap_or(shown) />
            <span>"Delete " {label} "? "</span>
            <button class="button danger" type="submit" disabled=pending autofocus>
                "Confirm delete"
            </button>
            <CancelLink state />
        </form>
        {conflict::conflict_message::<T>(error, discard_href, Callback::new(|_| {}), true)}
        <FormError error />
    }
}

/// What a row's delete confirmation is made from, for a table of `T`s (the record type its
/// delete action answers with, so a page cannot name another). A page turns it into the
/// confirmation (`view`) where it likes, so that it can keep that code in a chunk loaded on
/// first use.
pub struct DeleteForm<T> {
    id: i64,
    version: i64,
    label: String,
    url: &'static str,
    confirm: Callback<(i64, i64)>,
    rows: RowState,
    state: Memo<ListState>,
    record: std::marker::PhantomData<fn() -> T>,
}

impl<T: Versioned + 'static> DeleteForm<T> {
    pub fn view(self) -> impl IntoView {
        view! { <ConfirmDelete form=self /> }
    }
}

/// What a table's rows may offer: its edit and delete actions (each only if the user may use
/// it), the open editor and the list state. Copied into every row.
pub struct RowControls<U: ServerFn + 'static, D: ServerFn + 'static> {
    pub update: Option<RowAction<U>>,
    pub delete: Option<RowAction<D>>,
    editor: Memo<Option<RowEditor>>,
    /// The editor that closed last, until its row's link has taken the focus back.
    closed: RwSignal<Option<RowEditor>>,
    state: Memo<ListState>,
    changed: RwSignal<u32>,
}

impl<U: ServerFn + 'static, D: ServerFn + 'static> Clone for RowControls<U, D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U: ServerFn + 'static, D: ServerFn + 'static> Copy for RowControls<U, D> {}

impl<U, D> RowControls<U, D>
where
    U: ServerFn<Error = AppError> + RowInput + Clone + Send + Sync + 'static,
    U::Output: Named + Versioned + Clone + Send + Sync + 'static,
    D: ServerFn<Error = AppError> + RowOnly + Clone + Send + Sync + 'static,
    D::Output: Named + Versioned + Clone + Send + Sync + 'static,
{
    /// The table's actions. Both are made, but a row offers (and the table shows the errors
    /// of) only those the user may use.
    pub fn new(
        can_edit: bool,
        can_delete: bool,
        changed: RwSignal<u32>,
        state: Memo<ListState>,
    ) -> Self {
        let close = close_editor(state);
        let notices = use_notices();
        let update = RowAction::<U>::new(changed, close.clone(), move |row| {
            notices.say(format!("Saved the changes to “{}”.", row.name()))
        });
        let delete = RowAction::<D>::new(changed, close, move |row| {
            let undo = undo_delete(D::Output::KIND, row.id(), row.name().to_owned(), changed);
            notices.say_with_undo(format!("Deleted “{}”.", row.name()), undo);
        });
        let editor = use_row_editor();
        let closed = RwSignal::new(None);
        Effect::new(move |previous: Option<Option<RowEditor>>| {
            let now = editor.get();
            if let Some(Some(before)) = previous
                && now != Some(before)
            {
                closed.set(Some(before));
                // What the closed editor was told (a conflict, with what had been typed) is
                // over: a discarded edit must not come back when the row is opened again.
                update.action.value().set(None);
                delete.action.value().set(None);
            }
            now
        });
        RowControls {
            update: can_edit.then_some(update),
            delete: can_delete.then_some(delete),
            editor,
            closed,
            state,
            changed,
        }
    }

    /// Whether row `id`'s editor (or delete confirmation) is open: the row then shows it
    /// across its whole width instead of its cells.
    pub fn is_open(self, id: i64) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        let editor = self.editor;
        move || matches!(editor.get(), Some(RowEditor::Edit(row) | RowEditor::Delete(row)) if row == id)
    }

    pub fn state(&self) -> Memo<ListState> {
        self.state
    }

    /// Bumped after every change, to reload the list.
    pub fn changed(&self) -> RwSignal<u32> {
        self.changed
    }

    pub fn any(&self) -> bool {
        self.update.is_some() || self.delete.is_some()
    }

    /// The errors no row can claim, shown above the table.
    pub fn unclaimed_errors(&self) -> impl IntoView + use<U, D> {
        let errors = [
            self.update.map(|a| a.rows.unclaimed_error()),
            self.delete.map(|a| a.rows.unclaimed_error()),
        ];
        errors.into_iter().flatten().map(|error| view! { <FormError error /> }).collect_view()
    }

    /// Row `id`'s actions cell: its Edit and Delete links, or its open editor (`edit_form`)
    /// or delete confirmation (`delete_form`) spanning all `columns` of the row. `None` when
    /// the user may do neither.
    #[allow(clippy::too_many_arguments)]
    pub fn cell<V: IntoView + 'static, W: IntoView + 'static>(
        self,
        id: i64,
        version: i64,
        anchor: String,
        label: String,
        columns: usize,
        edit_form: impl Fn(RowAction<U>) -> V + Send + Sync + 'static,
        delete_form: impl Fn(DeleteForm<D::Output>) -> W + Send + Sync + 'static,
    ) -> Option<impl IntoView> {
        let RowControls { update, delete, editor, closed, state, .. } = self;
        let open = self.is_open(id);
        self.any().then(move || {
            view! {
                <td class="actions" colspan=move || open().then(|| columns.to_string())>
                    {reactive(move || match (editor.get(), update, delete) {
                        (Some(RowEditor::Edit(open)), Some(update), _) if open == id => EitherOf3::A(edit_form(update)),
                        (Some(RowEditor::Delete(open)), _, Some(delete)) if open == id => {
                            let confirm = Callback::new(move |(id, version)| {
                                delete.action.dispatch(D::for_row(id, version));
                            });
                            let (label, url, rows) = (label.clone(), D::url(), delete.rows);
                            let record = std::marker::PhantomData;
                            EitherOf3::B(delete_form(DeleteForm { id, version, label, url, confirm, rows, state, record }))
                        }
                        _ => EitherOf3::C(view! {
                            <EditorLinks id anchor=anchor.clone() edit=update.is_some() delete=delete.is_some() state closed />
                        }),
                    })}
                </td>
            }
        })
    }
}
