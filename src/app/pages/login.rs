use leptos::prelude::*;
use leptos_meta::Title;

use crate::{app::use_session, model::Role};

/// Local mode: one button per role. Auth0 mode: the Auth0 sign-in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let session = session.await.ok();
                let expired = session.as_ref().is_some_and(|s| s.expired);
                let local = session.as_ref().is_some_and(|s| s.local_mode);
                view! {
                    {expired.then(|| view! { <p class="error" role="alert">"Your session has expired. Please sign in again."</p> })}
                    {if local {
                        view! {
                            <p class="lead">
                                "This server runs in " <strong>"local sign-in mode"</strong>
                                " (no Auth0 configured): pick a role to try the app as."
                            </p>
                            <div class="role-choices">
                                {Role::ALL.into_iter().map(|role| view! {
                                    <form method="post" action="/auth/local-login">
                                        <input type="hidden" name="role" value=role.slug() />
                                        <button class="button" type="submit">"Sign in as " {role.title()}</button>
                                    </form>
                                }).collect_view()}
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <p class="lead">"Sign in with your company account."</p>
                            <a class="button" href="/auth/login" rel="external">"Sign in with Auth0"</a>
                        }.into_any()
                    }}
                }
            })}
        </Suspense>
    }
}
