//! One edit action and one delete action per table, shared by its rows' forms.
//!
//! Why not one per row: an action is half a dozen signals, and each row built two, plus an
//! effect and the memos behind its buttons. On a page of 20 rows that reactive bookkeeping,
//! built and dropped on every server render, was most of what the profile of the list
//! page's SSR showed (README § Performance). A row only needs to know whether the last
//! submission was its own, which the action's input says.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::model::AppError;

/// Which row a server function's input is about.
pub trait RowInput {
    fn row(&self) -> i64;
}

/// A server action for a table's rows, and which row submitted it last.
pub struct RowAction<S>
where
    S: ServerFn + 'static,
{
    pub action: ServerAction<S>,
    /// The row of the last submission made in this page (`None` before any, or when the
    /// error came back from a form posted without JavaScript, which does not say).
    row: RwSignal<Option<i64>>,
    // Made once: each call of `action.value()` or `.pending()` makes a new signal.
    value: MappedSignal<Option<Result<S::Output, AppError>>>,
    pending: Memo<bool>,
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
    S::Output: Clone + Send + Sync + 'static,
{
    /// `changed` is bumped after every success, so the list reloads.
    pub fn new(changed: RwSignal<u32>) -> Self {
        let action = ServerAction::<S>::new();
        let row = RwSignal::new(None);
        let value = action.value();
        // Effects run only in the browser, where the forms are submitted.
        Effect::new(move |_| {
            if let Some(id) = action.input().with(|input| input.as_ref().map(RowInput::row)) {
                row.set(Some(id));
            }
        });
        Effect::new(move |_| {
            if value.with(|value| matches!(value, Some(Ok(_)))) {
                changed.update(|n| *n += 1);
            }
        });
        RowAction { action, row, value, pending: action.pending() }
    }

    /// The last submission's error, if it was row `id`'s.
    pub fn error_for(self, id: i64) -> Signal<Option<AppError>> {
        Signal::derive(move || match self.row.get() == Some(id) {
            true => self.error(),
            false => None,
        })
    }

    /// An error no row can claim (see `row`), shown once for the table instead.
    pub fn unclaimed_error(self) -> Signal<Option<AppError>> {
        Signal::derive(move || match self.row.get() {
            None => self.error(),
            Some(_) => None,
        })
    }

    /// Whether row `id`'s submission is on its way.
    pub fn pending_for(self, id: i64) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        move || self.pending.get() && self.row.get() == Some(id)
    }

    fn error(self) -> Option<AppError> {
        self.value.with(|value| match value {
            Some(Err(err)) => Some(err.clone()),
            _ => None,
        })
    }
}
