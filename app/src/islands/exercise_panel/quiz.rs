//! The quiz form: radio buttons or checkboxes per question, sent as the JSON the grader reads.

use std::collections::BTreeMap;

use kubelab_wire::paths;
use leptos::prelude::*;

use super::state::{run, PanelState, QuizQuestion};
use crate::client;
use crate::i18n::{t, Msg};
use crate::model::Lang;

/// The submission body the quiz grader reads: `{"question": ["option", ...]}`.
pub fn quiz_body(answers: &BTreeMap<String, Vec<String>>) -> String {
    serde_json::to_string(answers).unwrap_or_else(|_| "{}".to_string())
}

/// Chooses (or, for a multiple-choice question, toggles) one option.
pub fn choose(
    answers: &mut BTreeMap<String, Vec<String>>,
    question: &str,
    option: &str,
    multiple: bool,
    on: bool,
) {
    let chosen = answers.entry(question.to_string()).or_default();
    if !multiple {
        chosen.clear();
    }
    chosen.retain(|o| o != option);
    if on {
        chosen.push(option.to_string());
    }
}

type Answers = RwSignal<BTreeMap<String, Vec<String>>>;

#[component]
pub fn Quiz(
    id: String,
    lang: Lang,
    questions: Vec<QuizQuestion>,
    state: RwSignal<PanelState>,
    busy: Signal<bool>,
) -> impl IntoView {
    let answers: Answers = RwSignal::new(BTreeMap::new());
    let url = StoredValue::new(paths::exercise(&id, "submit"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The quiz grader reads JSON text from the same endpoint as the other kinds.
        let body = answers.with_untracked(quiz_body);
        let url = url.get_value();
        run(
            state,
            lang,
            async move { client::post_text(&url, body).await },
        );
    };
    let fields = questions
        .into_iter()
        .enumerate()
        .map(|(n, q)| question_view(&id, lang, n, q, answers))
        .collect_view();
    view! {
        <form class="quiz-form" on:submit=on_submit>
            {fields}
            <button type="submit" class="check-btn" disabled=move || busy.get()>{t(lang, Msg::SubmitAnswers)}</button>
        </form>
    }
}

fn question_view(
    exercise: &str,
    lang: Lang,
    n: usize,
    q: QuizQuestion,
    answers: Answers,
) -> impl IntoView {
    let name = format!("{exercise}--{}", q.id);
    let multiple = q.multiple;
    let options = q
        .options
        .into_iter()
        .map(|(opt, text)| {
            let qid = q.id.clone();
            let value = opt.clone();
            let on_change = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                answers.update(|a| choose(a, &qid, &opt, multiple, on));
            };
            view! {
                <label class="quiz-option">
                    <input type=if multiple { "checkbox" } else { "radio" } name=name.clone()
                        value=value on:change=on_change />
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="quiz-question" data-question=q.id.clone()>
            <legend>
                <span class="quiz-num">{format!("{}. ", n + 1)}</span>{q.prompt}
                {multiple.then(|| view! { <span class="quiz-multi">{t(lang, Msg::ChooseAll)}</span> })}
            </legend>
            {options}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiz_answers_are_sent_as_the_json_the_grader_reads() {
        let mut a = BTreeMap::new();
        choose(&mut a, "q1", "a", false, true);
        choose(&mut a, "q1", "b", false, true);
        choose(&mut a, "q2", "a", true, true);
        choose(&mut a, "q2", "c", true, true);
        choose(&mut a, "q2", "a", true, false);
        assert_eq!(quiz_body(&a), r#"{"q1":["b"],"q2":["c"]}"#);
        let parsed = kubelab_checks::quiz::parse_answers(&quiz_body(&a)).expect("grader reads it");
        assert_eq!(parsed["q1"], vec!["b".to_string()]);
    }
}
