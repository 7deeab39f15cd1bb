//! The terminal dock of lesson pages and My lab (issue #12): server-rendered markup and a small
//! inline loader; the terminal itself (xterm.js, `editor/src/terminal.js`) is fetched only when
//! the learner opens it, so no page's first load grows. Rendered only where this kubelab gives
//! learners a terminal ([`Features::terminal`]).

use leptos::prelude::*;

use crate::i18n::terminal::{sent_json, tt, T};
use crate::model::{Features, Lang};

/// Whether this kubelab gives learners a terminal (the server provides [`Features`]).
pub fn terminal_on() -> bool {
    use_context::<Features>().is_some_and(|f| f.terminal)
}

#[component]
pub fn TerminalDock(lang: Lang) -> impl IntoView {
    terminal_on().then(|| {
        let loader = format!(
            r#"{}("/pkg");"#,
            include_str!("../terminal_loader.js").trim_end()
        );
        view! {
            <button type="button" class="term-open" data-term-open="" aria-controls="terminal-dock"
                aria-expanded="false">
                <span class="term-open-mark" aria-hidden="true">">_"</span>
                {tt(lang, T::Open)}
            </button>
            <section id="terminal-dock" class="term-dock" hidden="" aria-labelledby="term-title"
                data-layout="below" data-lang=lang.code() data-text=sent_json(lang)>
                <div class="term-resize" role="separator" tabindex="0" aria-label=tt(lang, T::Resize)
                    aria-orientation="horizontal" aria-valuemin="10" aria-valuemax="85"
                    aria-valuenow="40"></div>
                <div class="term-bar">
                    <h2 class="term-title" id="term-title">{tt(lang, T::Title)}</h2>
                    <span class="term-status" role="status" aria-live="polite"></span>
                    <button type="button" class="term-action" data-term="action" hidden=""></button>
                    <button type="button" data-term="copy">{tt(lang, T::Copy)}</button>
                    <button type="button" data-term="paste">{tt(lang, T::Paste)}</button>
                    <button type="button" data-term="layout">{tt(lang, T::Beside)}</button>
                    <button type="button" class="term-close" data-term="close"
                        aria-label=tt(lang, T::Close) title=tt(lang, T::Close)>"×"</button>
                </div>
                <p class="term-help" id="term-help">{tt(lang, T::Help)}</p>
                <p class="term-recording" id="term-recording" data-term="recording" hidden="" role="status">
                    <span aria-hidden="true">"● "</span>{tt(lang, T::Recording)}
                </p>
                <div class="term-screen" aria-describedby="term-help"></div>
            </section>
            <script type="module">{loader}</script>
        }
    })
}
