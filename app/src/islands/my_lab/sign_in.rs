//! The three ways to begin: start alone, join a classroom, or continue with a resume code.

use kubelab_wire::{JoinBody, ResumeBody, StartBody};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::state::{Form, Lab};
use crate::i18n::{t, Msg};

/// `None` for an empty field, so "no display name" is what the API receives.
pub fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[component]
pub(super) fn SignedOut(lab: Lab) -> impl IntoView {
    let lang = lab.lang;
    let name = RwSignal::new(String::new());
    let join_code = RwSignal::new(String::new());
    let join_name = RwSignal::new(String::new());
    let resume = RwSignal::new(String::new());
    let start = move || {
        let display_name = optional(&name.get_untracked());
        lab.sign_in(
            Form::Start,
            "/api/session/start",
            StartBody { display_name },
        );
    };
    let join = move || {
        let code = join_code.get_untracked().trim().to_string();
        let name = join_name.get_untracked().trim().to_string();
        lab.sign_in(Form::Join, "/api/session/join", JoinBody { code, name });
    };
    let resume_with_code = move || {
        let code = resume.get_untracked().trim().to_string();
        lab.sign_in(Form::Resume, "/api/session/resume", ResumeBody { code });
    };
    view! {
        <p class="lead">{t(lang, Msg::MeLead)}</p>
        <div class="choice-grid">
            <Choice lab=lab form=Form::Start on_submit=start heading=Msg::StartHeading
                blurb=Msg::StartBlurb button=Msg::Start>
                <label for="start-name">{t(lang, Msg::DisplayNameOptional)}</label>
                <input id="start-name" name="display_name" autocomplete="nickname" maxlength="60"
                    bind:value=name />
            </Choice>
            <Choice lab=lab form=Form::Join on_submit=join heading=Msg::JoinHeading
                blurb=Msg::JoinBlurb button=Msg::Join>
                <label for="join-code">{t(lang, Msg::JoinCode)}</label>
                <input id="join-code" name="code" required autocomplete="off" autocapitalize="characters"
                    spellcheck="false" placeholder="ABCD-EFGH" bind:value=join_code />
                <label for="join-name">{t(lang, Msg::YourName)}</label>
                <input id="join-name" name="name" required autocomplete="name" maxlength="60"
                    bind:value=join_name />
            </Choice>
            <Choice lab=lab form=Form::Resume on_submit=resume_with_code heading=Msg::ResumeHeading
                blurb=Msg::ResumeBlurb button=Msg::Continue>
                <label for="resume-code">{t(lang, Msg::ResumeCode)}</label>
                <input id="resume-code" name="code" required autocomplete="off" autocapitalize="characters"
                    spellcheck="false" placeholder="K7QF-2M9P" bind:value=resume />
            </Choice>
        </div>
    }
}

/// One way to begin: a card with its fields, its button and the notice of its last try.
#[component]
fn Choice<F>(
    lab: Lab,
    form: Form,
    on_submit: F,
    heading: Msg,
    blurb: Msg,
    button: Msg,
    children: Children,
) -> impl IntoView
where
    F: Fn() + 'static,
{
    let lang = lab.lang;
    let busy = lab.busy;
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        on_submit();
    };
    view! {
        <form class="card choice" data-form=form.name() on:submit=on_submit>
            <h2>{t(lang, heading)}</h2>
            <p>{t(lang, blurb)}</p>
            {children()}
            <button class="button" type="submit" disabled=move || busy.get()>
                {t(lang, button)}
            </button>
            <div aria-live="polite">{lab.notice_of(form)}</div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_display_name_is_sent_as_none() {
        assert_eq!(optional("  "), None);
        assert_eq!(optional(" Ada "), Some("Ada".into()));
        let body = StartBody {
            display_name: optional(""),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"display_name":null}"#
        );
    }
}
