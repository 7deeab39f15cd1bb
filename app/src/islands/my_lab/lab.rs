//! The signed-in learner: who they are (namespace, resume code, classroom), their cluster
//! (kubeconfig download, reset) and their progress.

use kubelab_wire::{
    ClusterStatus, ExerciseProgress, GatedBody, GatingView, IdleRemoval, Me, MeLearner, Status,
};
use leptos::either::Either;
use leptos::prelude::*;

use super::state::{ExerciseLink, Form, Lab};
use crate::client;
use crate::i18n::{self, passed_of, t, Msg};
use crate::islands::parts::CopyValue;
use crate::model::{display_name, Lang};

/// The file name the server gives the kubeconfig download.
pub fn kubeconfig_file(namespace: &str) -> String {
    format!("kubelab-{namespace}.yaml")
}

/// The commands under "Download kubeconfig".
pub fn kubeconfig_howto(namespace: &str) -> String {
    format!(
        "export KUBECONFIG=~/Downloads/{}\nkubectl get pods",
        kubeconfig_file(namespace)
    )
}

#[component]
pub(super) fn SignedIn(lab: Lab, me: Me, links: StoredValue<Vec<ExerciseLink>>) -> impl IntoView {
    let lang = lab.lang;
    let busy = lab.busy;
    let namespace = me.learner.namespace.clone();
    view! {
        {who(lang, me.learner)}
        <ClusterCard lab=lab cluster=me.cluster namespace=namespace idle=me.idle_removal />
        <GatingCard lab=lab gating=me.gating />
        {progress(lang, me.progress, links)}
        <p>
            <button type="button" class="button button-quiet" disabled=move || busy.get()
                on:click=move |_| lab.sign_out()>
                {t(lang, Msg::SignOut)}
            </button>
        </p>
    }
}

fn who(lang: Lang, learner: MeLearner) -> impl IntoView {
    let name = display_name(learner.display_name.as_deref())
        .unwrap_or(t(lang, Msg::AnonymousLearner))
        .to_string();
    view! {
        <section class="card account-summary" aria-labelledby="who">
            <h2 id="who">{name}</h2>
            <dl class="facts">
                <dt>{t(lang, Msg::Namespace)}</dt>
                <dd><code data-field="namespace">{learner.namespace}</code></dd>
                <dt>{t(lang, Msg::ResumeCode)}</dt>
                <dd>
                    <code class="resume-code" data-field="resume-code">{learner.resume_code.clone()}</code>
                    " "
                    <CopyValue lang=lang value=learner.resume_code label=t(lang, Msg::CopyResumeCode) />
                    <span class="hint">{t(lang, Msg::ResumeCodeHint)}</span>
                </dd>
                {learner.classroom.map(|c| view! {
                    <dt>{t(lang, Msg::Classroom)}</dt>
                    <dd data-field="classroom">{c.name}</dd>
                })}
            </dl>
        </section>
    }
}

#[component]
fn ClusterCard(
    lab: Lab,
    cluster: ClusterStatus,
    namespace: String,
    idle: Option<IdleRemoval>,
) -> impl IntoView {
    let lang = lab.lang;
    let busy = lab.busy;
    let (class, line) = match (cluster.connected, cluster.namespace_ready) {
        (false, _) => ("bad", Msg::ClusterNone),
        (true, false) => ("warn", Msg::ClusterNotReady),
        (true, true) => ("ok", Msg::ClusterReady),
    };
    let reset = move |_| {
        if client::confirm(t(lang, Msg::ResetConfirm)) {
            let request = async { client::post::<Me>("/api/me/reset").await };
            lab.act(Form::Account, request, Some(Msg::ResetDone));
        }
    };
    let download = if cluster.connected {
        Either::Left(view! {
            <a class="button" href="/api/me/kubeconfig" download=kubeconfig_file(&namespace)>
                {t(lang, Msg::DownloadKubeconfig)}
            </a>
            <p>{t(lang, Msg::AfterDownload)}</p>
            <pre class="howto"><code>{kubeconfig_howto(&namespace)}</code></pre>
        })
    } else {
        Either::Right(view! { <p class="muted">{t(lang, Msg::KubeconfigNeedsCluster)}</p> })
    };
    view! {
        <section class="card" aria-labelledby="cluster-h">
            <h2 id="cluster-h">{t(lang, Msg::ClusterHeading)}</h2>
            <p class=format!("cluster-status cluster-{class}") data-field="cluster">{t(lang, line)}</p>
            {cluster.message.map(|m| view! { <p class="muted">{m.get(lang.code()).to_string()}</p> })}
            {idle.map(|i| view! {
                <p class="muted" data-field="idle-removal">
                    {i18n::idle_removal(lang, &namespace, i.after_secs, i.at)}
                </p>
            })}
            {download}
            <button type="button" class="button button-danger" disabled=move || busy.get()
                on:click=reset>
                {t(lang, Msg::ResetNamespace)}
            </button>
        </section>
    }
}

/// Gated progress: a self-paced learner's own switch; in a classroom, what the instructor chose.
#[component]
fn GatingCard(lab: Lab, gating: GatingView) -> impl IntoView {
    let lang = lab.lang;
    let busy = lab.busy;
    let control = if gating.by_classroom {
        let line = if gating.gated {
            Msg::GatedByInstructorOn
        } else {
            Msg::GatedByInstructorOff
        };
        Either::Left(view! { <p data-field="gating">{t(lang, line)}</p> })
    } else {
        let toggle = move |ev: leptos::ev::Event| {
            let gated = event_target_checked(&ev);
            let request = async move {
                client::put_json::<Me, _>("/api/me/gated", &GatedBody { gated }).await
            };
            lab.act(Form::Account, request, None);
        };
        Either::Right(view! {
            <label class="switch">
                <input type="checkbox" data-field="gating" prop:checked=gating.gated
                    disabled=move || busy.get() on:change=toggle />
                " "{t(lang, Msg::GatedOwnSwitch)}
            </label>
        })
    };
    view! {
        <section class="card" aria-labelledby="gating-h">
            <h2 id="gating-h">{t(lang, Msg::GatedHeading)}</h2>
            <p class="muted">{t(lang, Msg::GatedExplained)}</p>
            {control}
        </section>
    }
}

fn progress(
    lang: Lang,
    progress: Vec<ExerciseProgress>,
    links: StoredValue<Vec<ExerciseLink>>,
) -> impl IntoView {
    let passed = progress
        .iter()
        .filter(|p| p.status == Status::Passed)
        .count();
    let total = progress.len();
    let body = if total == 0 {
        Either::Left(view! { <p class="muted">{t(lang, Msg::NoProgressYet)}</p> })
    } else {
        let rows = progress
            .into_iter()
            .map(|p| {
                let link = links
                    .with_value(|l| l.iter().find(|l| l.exercise_id == p.exercise_id).cloned());
                progress_row(lang, p, link)
            })
            .collect_view();
        Either::Right(view! {
            <p>{passed_of(lang, passed, total)}</p>
            <div class="table-scroll">
                <table class="progress-table">
                    <thead><tr>
                        <th scope="col">{t(lang, Msg::Exercise)}</th>
                        <th scope="col">{t(lang, Msg::StatusHeading)}</th>
                        <th scope="col">{t(lang, Msg::Attempts)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })
    };
    view! {
        <section class="card" aria-labelledby="progress-h">
            <h2 id="progress-h">{t(lang, Msg::Progress)}</h2>
            {body}
        </section>
    }
}

fn progress_row(lang: Lang, p: ExerciseProgress, link: Option<ExerciseLink>) -> impl IntoView {
    let exercise = match link {
        Some(l) => Either::Left(view! {
            <a href=l.href><code>{p.exercise_id.clone()}</code></a>
            <span class="muted">{format!(" · {}", l.lesson)}</span>
        }),
        None => Either::Right(view! { <code>{p.exercise_id.clone()}</code> }),
    };
    view! {
        <tr data-exercise=p.exercise_id.clone() data-status=p.status.code()>
            <th scope="row">{exercise}</th>
            <td class=format!("status status-{}", p.status.code())>
                <span aria-hidden="true">{p.status.symbol()}</span>" "{i18n::status(lang, p.status)}
            </td>
            <td class="num">{p.attempts}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_howto_names_the_downloaded_file() {
        let howto = kubeconfig_howto("kl-ab12");
        assert_eq!(
            howto,
            "export KUBECONFIG=~/Downloads/kubelab-kl-ab12.yaml\nkubectl get pods"
        );
    }
}
