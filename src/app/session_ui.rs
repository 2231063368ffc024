//! The signed-in user, loaded once per page load and shared by every component.

use leptos::{either::Either, prelude::*};
use leptos_router::components::Redirect;

use crate::app::suspended::suspended;

use crate::{
    model::{AppError, UserInfo},
    rpc::session_info::{SessionInfo, get_session},
};

pub type SessionResource = Resource<Result<SessionInfo, AppError>>;

pub fn provide_session() {
    let session: SessionResource = Resource::new(|| (), |_| get_session());
    provide_context(session);
}

pub fn use_session() -> SessionResource {
    expect_context::<SessionResource>()
}

/// The Trash link of the top bar, for people who may delete (and so restore).
#[component]
pub fn TrashLink() -> impl IntoView {
    use crate::model::Permission;
    let session = use_session();
    view! {
        <Suspense fallback=|| ()>
            {suspended(move || async move {
                let user = session.await.ok().and_then(|s| s.user);
                user.filter(|u| u.can(Permission::DeleteActors) || u.can(Permission::DeleteMovies))
                    .map(|_| view! { <leptos_router::components::A href="/trash">"Trash"</leptos_router::components::A> })
            })}
        </Suspense>
    }
}

/// Who is signed in, with a sign-out button; or a sign-in link.
#[component]
pub fn UserBadge() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="user">
            <Suspense fallback=|| ()>
                {suspended(move || async move {
                    match session.await.ok().and_then(|s| s.user) {
                        Some(user) => Either::Left(view! { <SignedIn user /> }),
                        None => Either::Right(view! { <a class="button secondary" href="/login">"Sign in"</a> }),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SignedIn(user: UserInfo) -> impl IntoView {
    let role = user.role().map(|r| r.title()).unwrap_or("Signed in");
    // Signed in, in the browser: this tab follows others' changes from now on.
    let live = crate::app::live::use_live();
    Effect::new(move |_| live.connect());
    view! {
        <crate::app::live::LiveIndicator />
        <span class="role-badge" data-role=role>{role}</span>
        <form method="post" action="/auth/logout">
            <button class="button secondary" type="submit">"Sign out"</button>
        </form>
    }
}

/// Says on every page that sign-in is local, except on the sign-in page, which explains it
/// in full (once).
#[component]
pub fn LocalModeBanner() -> impl IntoView {
    let session = use_session();
    let path = leptos_router::hooks::use_location().pathname;
    view! {
        <Suspense fallback=|| ()>
            {suspended(move || {
                let on_sign_in = path.get() == "/login";
                async move {
                let local = session.await.map(|s| s.local_mode).unwrap_or(false);
                (local && !on_sign_in).then(|| view! {
                    <p class="banner" role="note">
                        "Local sign-in mode: Auth0 is not configured, so anyone can sign in as any role. "
                        "For trying the app only."
                    </p>
                })
            }})}
        </Suspense>
    }
}

/// Shown in place of a page's content when nobody is signed in. A session that has expired
/// (or whose token is no longer valid) sends the person to sign in again, with a message
/// there: an HTTP redirect on the server, a navigation in the browser.
#[component]
pub fn SignInPrompt(expired: bool, what: &'static str) -> impl IntoView {
    view! {
        {expired.then(|| view! { <Redirect path="/login?error=session" /> })}
        <div class="notice">
            <p>"Sign in to see " {what} "."</p>
            <a class="button" href="/login">"Sign in"</a>
        </div>
    }
}
