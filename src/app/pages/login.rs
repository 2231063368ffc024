use leptos::{either::EitherOf3, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::app::suspended::suspended;

use crate::{app::use_session, model::Role};

/// Local mode: one button per role. Auth0 mode: the Auth0 sign-in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    // Set by /auth/callback when an Auth0 sign-in did not complete.
    let failure = move || {
        query.read().get("error").map(|code| match code.as_str() {
            "session" => "Your session has expired or is no longer valid. Please sign in again.",
            "denied" => "The sign-in was cancelled at Auth0.",
            "expired" => "The sign-in took too long or began in another browser. Please try again.",
            "state" => "The sign-in could not be verified. Please try again.",
            "exchange" => "Auth0 did not complete the sign-in. Please try again.",
            "token" => "Your account's token is not valid for this app. Ask an administrator.",
            _ => "The sign-in did not complete. Please try again.",
        })
    };
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        {move || failure().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let expired = session.as_ref().is_some_and(|s| s.expired);
                let local = session.as_ref().is_some_and(|s| s.local_mode);
                let auth0 = session.as_ref().is_some_and(|s| s.auth0_sign_in);
                view! {
                    // Said once: by the query's message when redirected here, else here.
                    {(expired && failure().is_none()).then(|| view! {
                        <p class="error" role="alert">"Your session has expired. Please sign in again."</p>
                    })}
                    {if local {
                        EitherOf3::A(view! {
                            <p class="lead">
                                "This server runs in " <strong>"local sign-in mode"</strong>
                                ": no Auth0 account is needed, and anyone can try the app in any role. "
                                "Choose the role to try it as."
                            </p>
                            <div class="role-choices">
                                {Role::ALL.into_iter().map(|role| view! {
                                    <section class="role-card" aria-labelledby=format!("role-{}", role.slug())>
                                        <h2 id=format!("role-{}", role.slug())>{role.title()}</h2>
                                        <p>{role.summary()}</p>
                                        <ul>
                                            {role.permissions().iter().map(|p| view! { <li>{p.ability()}</li> }).collect_view()}
                                        </ul>
                                        <form method="post" action="/auth/local-login">
                                            <input type="hidden" name="role" value=role.slug() />
                                            <button class="button" type="submit">"Sign in as " {role.title()}</button>
                                        </form>
                                    </section>
                                }).collect_view()}
                            </div>
                        })
                    } else if !auth0 {
                        EitherOf3::B(view! {
                            <p class="error" role="alert">
                                "Web sign-in is not configured on this server (AUTH0_CLIENT_ID is not set). "
                                "The REST API accepts Auth0 access tokens."
                            </p>
                        })
                    } else {
                        EitherOf3::C(view! {
                            <p class="lead">"Sign in with your company account."</p>
                            <a class="button" href="/auth/login" rel="external">"Sign in with Auth0"</a>
                        })
                    }}
                }
            })}
        </Suspense>
    }
}
