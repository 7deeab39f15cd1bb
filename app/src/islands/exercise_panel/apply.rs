//! "Apply YAML" under a cluster exercise: the learner pastes or writes manifests and kubelab
//! applies them into their namespace as them (`POST /api/me/apply`), tries them (dry run) or
//! deletes what they name; each object's outcome is listed, a refusal with the line it points at
//! (and marked there in the editor). An exercise with an answer editor applies that editor's
//! text; the others get an editor of their own here.

use kubelab_wire::{ApplyBody, ApplyOutcome, ApplyReport, Me, StartBody};
use leptos::prelude::*;

use super::code::{CodeArea, Jump};
use crate::client::{self, Diagnostic};
use crate::i18n::{t, Msg};
use crate::model::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Idle,
    Working,
    Report(ApplyReport),
    Failed(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    DryRun,
    Apply,
    Delete,
}

fn send(yaml: String, action: Action, lang: Lang, out: RwSignal<Outcome>) {
    out.set(Outcome::Working);
    leptos::task::spawn_local(async move {
        let reply = async {
            // The objects go into the learner's namespace: make sure there is a learner.
            client::post_json::<Me, _>("/api/session/start", &StartBody::default()).await?;
            let body = ApplyBody {
                yaml,
                dry_run: action == Action::DryRun,
            };
            let url = if action == Action::Delete {
                "/api/me/apply/delete"
            } else {
                "/api/me/apply"
            };
            client::post_json::<ApplyReport, _>(url, &body).await
        };
        let _ = out.try_set(match reply.await {
            Ok(r) => Outcome::Report(r),
            Err(e) => Outcome::Failed(e.text(lang)),
        });
    });
}

fn outcome_text(lang: Lang, o: ApplyOutcome) -> &'static str {
    t(
        lang,
        match o {
            ApplyOutcome::Applied => Msg::ApplyApplied,
            ApplyOutcome::WouldApply => Msg::ApplyWouldApply,
            ApplyOutcome::Deleted => Msg::ApplyDeleted,
            ApplyOutcome::Absent => Msg::ApplyAbsent,
            ApplyOutcome::Refused => Msg::ApplyRefused,
        },
    )
}

fn at_line(lang: Lang, line: Option<u32>) -> Option<String> {
    line.map(|l| match lang {
        Lang::Zh => format!("（第 {l} 行）"),
        Lang::En => format!(" (line {l})"),
    })
}

/// The refusals that point at a line, as marks for the editor.
fn refusal_marks(r: &ApplyReport, lang: Lang) -> Vec<Diagnostic> {
    let problems = r.problems.iter().filter_map(|p| {
        Some(Diagnostic {
            line: p.line?,
            column: p.column.unwrap_or(1),
            message: p.message.get(lang.code()).to_string(),
        })
    });
    let refused = r.objects.iter().filter_map(|o| {
        if o.outcome != ApplyOutcome::Refused {
            return None;
        }
        Some(Diagnostic {
            line: o.line?,
            column: o.column.unwrap_or(1),
            message: format!(
                "{}/{}: {}",
                o.kind,
                o.name,
                o.message
                    .as_ref()
                    .map(|m| m.get(lang.code()))
                    .unwrap_or(t(lang, Msg::ApplyRefused))
            ),
        })
    });
    problems.chain(refused).collect()
}

#[component]
pub fn ApplyBox(
    id: String,
    lang: Lang,
    busy: Signal<bool>,
    /// The answer editor's text, when the panel has one; else this box has its own editor.
    shared: Option<RwSignal<String>>,
    /// Where this box puts the marks of a refusal (the editor that holds the text shows them).
    marks: RwSignal<Vec<Diagnostic>>,
    jump: Jump,
) -> impl IntoView {
    let own = shared.is_none();
    let yaml = shared.unwrap_or_else(|| RwSignal::new(String::new()));
    let out = RwSignal::new(Outcome::Idle);
    // A new report replaces the marks; editing clears them (they point at the old text).
    Effect::new(move |_| {
        yaml.track();
        if marks.with_untracked(|m| !m.is_empty()) {
            marks.set(Vec::new());
        }
    });
    Effect::new(move |_| {
        if let Outcome::Report(r) = out.get() {
            marks.set(refusal_marks(&r, lang));
        }
    });
    let working = move || {
        busy.get() || out.with(|o| *o == Outcome::Working) || yaml.with(|y| y.trim().is_empty())
    };
    let area_id = format!("{id}-apply");
    let button = move |action: Action, class: &'static str, msg: Msg| {
        view! {
            <button type="button" class=class disabled=working
                on:click=move |_| send(yaml.get_untracked(), action, lang, out)>{t(lang, msg)}</button>
        }
    };
    let editor = own.then(|| {
        view! {
            <label id=format!("{area_id}-label") for=area_id.clone()>{t(lang, Msg::ApplyLabel)}</label>
            <CodeArea id=area_id.clone() label=t(lang, Msg::ApplyLabel).to_string()
                labelledby=format!("{area_id}-label") language="yaml"
                rows=10 class="apply-yaml" draft=format!("{id}.apply") text=yaml
                diagnostics=Signal::from(marks) jump=jump />
        }
    });
    view! {
        <details class="apply-box" open=!own>
            <summary>{t(lang, Msg::ApplyHeading)}</summary>
            {editor}
            <div class="apply-actions">
                {button(Action::DryRun, "dry-run-btn", Msg::ApplyDryRun)}
                {button(Action::Apply, "apply-btn", Msg::ApplyApply)}
                {button(Action::Delete, "apply-delete-btn", Msg::ApplyDelete)}
            </div>
            <div class="apply-result" aria-live="polite" data-state=move || match out.get() {
                Outcome::Idle => "idle",
                Outcome::Working => "working",
                Outcome::Report(r) if r.ok => "ok",
                Outcome::Report(_) | Outcome::Failed(_) => "refused",
            }>
                {move || match out.get() {
                    Outcome::Idle => ().into_any(),
                    Outcome::Working => view! { <p>{t(lang, Msg::ApplyWorking)}</p> }.into_any(),
                    Outcome::Failed(text) => view! { <p class="apply-error">{text}</p> }.into_any(),
                    Outcome::Report(r) => view! {
                        <ul class="apply-list">
                            {r.problems.iter().map(|p| view! {
                                <li data-outcome="problem">
                                    {p.message.get(lang.code()).to_string()}
                                    {at_line(lang, p.line)}
                                </li>
                            }).collect_view()}
                            {r.objects.iter().map(|o| view! {
                                <li data-outcome=format!("{:?}", o.outcome).to_lowercase()>
                                    <code>{format!("{}/{}", o.kind, o.name)}</code>": "
                                    {outcome_text(lang, o.outcome)}
                                    {at_line(lang, o.line.filter(|_| o.outcome == ApplyOutcome::Refused))}
                                    {o.message.as_ref().map(|m| view! { <span class="apply-message">{m.get(lang.code()).to_string()}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
        </details>
    }
}
