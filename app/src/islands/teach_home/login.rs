//! The instructor's sign-in form. Wrong email and wrong password get the same answer.

use kubelab_wire::{InstructorView, LoginBody};
use leptos::prelude::*;

use super::state::Teach;
use crate::client;
use crate::i18n::{t, Msg};
use crate::islands::parts::{self, Notice};

#[component]
pub(super) fn LoginForm(teach: Teach) -> impl IntoView {
    let lang = teach.lang;
    let busy = teach.busy;
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login_error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = LoginBody {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        let request =
            async move { client::post_json::<InstructorView, _>("/api/teach/login", &body).await };
        login_error.set(None);
        parts::act(busy, request, move |reply| match reply {
            Ok(me) => {
                password.set(String::new());
                teach.signed_in(me);
            }
            Err(e) => login_error.set(Some(match e.status() {
                Some(401) => t(lang, Msg::LoginWrong).to_string(),
                _ => e.text(lang),
            })),
        });
    };
    view! {
        <form class="card login-form" data-form="login" on:submit=on_submit>
            <h2>{t(lang, Msg::InstructorSignIn)}</h2>
            <label for="login-email">{t(lang, Msg::Email)}</label>
            <input id="login-email" name="email" type="email" required autocomplete="username"
                bind:value=email />
            <label for="login-password">{t(lang, Msg::Password)}</label>
            <input id="login-password" name="password" type="password" required
                autocomplete="current-password" bind:value=password />
            <button class="button" type="submit" disabled=move || busy.get()>
                {t(lang, Msg::SignIn)}
            </button>
            <div aria-live="assertive">
                {move || login_error.get().map(|text| Notice::bad(text).view())}
            </div>
        </form>
    }
}
