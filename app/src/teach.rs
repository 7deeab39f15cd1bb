//! The instructor pages: `/:lang/teach` (sign in, classrooms) and `/:lang/teach/:id` (the live board).

use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::account::{
    confirm, de_id, format_time, get_json, lang_param, post_json, tr, Attempt, CopyValue, Frame,
    LooseText, Status,
};
use crate::model::Lang;

// ---------------------------------------------------------------------------------------------
// API types (tolerant, like the learner's).
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Instructor {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct InstructorMe {
    pub instructor: Instructor,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Classroom {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub archived_at: Option<i64>,
    #[serde(default)]
    pub learners: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct BoardExercise {
    pub id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: LooseText,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Cell {
    pub exercise_id: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub first_pass_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct BoardLearner {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub cells: Vec<Cell>,
}

impl BoardLearner {
    pub fn name(&self, lang: Lang) -> String {
        self.display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| tr(lang, "（无名）", "(no name)").into())
    }

    /// The cell for an exercise, found by id: the board's order is a promise, not something a
    /// reader should depend on for correctness.
    pub fn cell(&self, exercise_id: &str) -> Cell {
        self.cells
            .iter()
            .find(|c| c.exercise_id == exercise_id)
            .cloned()
            .unwrap_or_else(|| Cell {
                exercise_id: exercise_id.to_string(),
                ..Cell::default()
            })
    }

    /// Changes whenever anything shown in this learner's row changes; keys the row so a live
    /// update re-renders only rows that changed (and keyboard focus elsewhere survives).
    pub fn fingerprint(&self) -> String {
        let mut s = format!("{}|{:?}|{}", self.id, self.display_name, self.namespace);
        for c in &self.cells {
            s.push_str(&format!(
                "|{}:{}:{}",
                c.exercise_id,
                c.status.code(),
                c.attempts
            ));
        }
        s
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Stuck {
    pub exercise_id: String,
    #[serde(default)]
    pub assertion_id: String,
    #[serde(default)]
    pub learners: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct BoardClassroom {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub archived_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Board {
    pub classroom: BoardClassroom,
    #[serde(default)]
    pub exercises: Vec<BoardExercise>,
    #[serde(default)]
    pub learners: Vec<BoardLearner>,
    #[serde(default)]
    pub stuck: Vec<Stuck>,
}

impl Board {
    pub fn exercise_title(&self, id: &str, lang: Lang) -> String {
        self.exercises
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.title.get(lang).to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| id.to_string())
    }

    /// "Where are they stuck", most learners first, then in catalog order.
    pub fn stuck_sorted(&self) -> Vec<Stuck> {
        let pos = |id: &str| self.exercises.iter().position(|e| e.id == id);
        let mut stuck: Vec<Stuck> = self
            .stuck
            .iter()
            .filter(|s| s.learners > 0)
            .cloned()
            .collect();
        stuck.sort_by(|a, b| {
            b.learners
                .cmp(&a.learners)
                .then(pos(&a.exercise_id).cmp(&pos(&b.exercise_id)))
                .then(a.assertion_id.cmp(&b.assertion_id))
        });
        stuck
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct GradeResult {
    pub checked: u32,
    pub passed: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RegradeResult {
    pub attempts: u32,
    pub changed: u32,
}

pub fn grade_summary(lang: Lang, r: GradeResult) -> String {
    match lang {
        Lang::Zh => format!("已检查 {} 项，通过 {} 项。", r.checked, r.passed),
        Lang::En => format!("Checked {}, passed {}.", r.checked, r.passed),
    }
}

pub fn regrade_summary(lang: Lang, r: RegradeResult) -> String {
    match lang {
        Lang::Zh => format!(
            "已按当前规则重评 {} 次尝试，{} 次结果有变化。",
            r.attempts, r.changed
        ),
        Lang::En => format!(
            "Re-graded {} attempts with the current rules; {} changed.",
            r.attempts, r.changed
        ),
    }
}

pub fn board_href(lang: Lang, id: &str) -> String {
    format!("/{}/teach/{id}", lang.code())
}

fn api_classroom(id: &str) -> String {
    format!("/api/teach/classrooms/{id}")
}

fn notice_view(ok: bool, text: String) -> impl IntoView {
    view! {
        <p class=if ok { "notice notice-ok" } else { "notice notice-bad" }>
            {if ok { "✓ " } else { "✗ " }}{text}
        </p>
    }
}

// ---------------------------------------------------------------------------------------------
// /:lang/teach
// ---------------------------------------------------------------------------------------------

#[component]
pub fn TeachPage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <crate::pages::NotFound /> }.into_any();
    };
    view! {
        <Frame lang=lang path_after_lang="/teach".into() title=tr(lang, "教师", "Instructor").into()
            class="teach-page">
            <TeachHome lang=lang />
        </Frame>
    }
    .into_any()
}

#[derive(Clone, Debug, PartialEq)]
enum TeachState {
    Loading,
    SignedOut,
    SignedIn(Instructor),
    Failed(String),
}

/// Sign in, then the instructor's classrooms.
#[island]
pub fn TeachHome(lang: Lang) -> impl IntoView {
    let state = RwSignal::new(TeachState::Loading);
    let classrooms = RwSignal::new(Vec::<Classroom>::new());
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<(bool, String)>);

    let load_classrooms = move || {
        leptos::task::spawn_local(async move {
            match get_json::<Vec<Classroom>>("/api/teach/classrooms").await {
                Ok(list) => classrooms.set(list),
                Err(e) => notice.set(Some((false, e.text(lang)))),
            }
        });
    };

    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match get_json::<InstructorMe>("/api/teach/me").await {
                Ok(me) => {
                    state.set(TeachState::SignedIn(me.instructor));
                    load_classrooms();
                }
                Err(e) if e.status() == Some(401) => state.set(TeachState::SignedOut),
                Err(e) => state.set(TeachState::Failed(e.text(lang))),
            }
        });
    });

    let signed_out = move || {
        let email = RwSignal::new(String::new());
        let password = RwSignal::new(String::new());
        let login_error = RwSignal::new(None::<String>);
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            login_error.set(None);
            let body = serde_json::json!({
                "email": email.get_untracked().trim(),
                "password": password.get_untracked(),
            });
            leptos::task::spawn_local(async move {
                match post_json::<InstructorMe>("/api/teach/login", body).await {
                    Ok(me) => {
                        password.set(String::new());
                        state.set(TeachState::SignedIn(me.instructor));
                        load_classrooms();
                    }
                    Err(e) => login_error.set(Some(match e.status() {
                        Some(401) => {
                            tr(lang, "邮箱或密码不对。", "Email or password is wrong.").into()
                        }
                        _ => e.text(lang),
                    })),
                }
                busy.set(false);
            });
        };
        view! {
            <form class="card login-form" data-form="login" on:submit=on_submit>
                <h2>{tr(lang, "教师登录", "Instructor sign-in")}</h2>
                <label for="login-email">{tr(lang, "邮箱", "Email")}</label>
                <input id="login-email" name="email" type="email" required autocomplete="username"
                    bind:value=email />
                <label for="login-password">{tr(lang, "密码", "Password")}</label>
                <input id="login-password" name="password" type="password" required
                    autocomplete="current-password" bind:value=password />
                <button class="button" type="submit" disabled=move || busy.get()>
                    {tr(lang, "登录", "Sign in")}
                </button>
                <div aria-live="assertive">
                    {move || login_error.get().map(|text| notice_view(false, text))}
                </div>
            </form>
        }
    };

    let archive = move |c: Classroom| {
        let question = match lang {
            Lang::Zh => format!("归档课堂“{}”？学员将不能再加入，他们的命名空间会被删除。", c.name),
            Lang::En => format!(
                "Archive “{}”? Nobody can join it any more, and its learners' namespaces are deleted.",
                c.name
            ),
        };
        if !confirm(&question) {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let url = format!("{}/archive", api_classroom(&c.id));
            match post_json::<Classroom>(&url, serde_json::json!({})).await {
                Ok(updated) => {
                    classrooms.update(|list| {
                        if let Some(slot) = list.iter_mut().find(|x| x.id == updated.id) {
                            *slot = updated;
                        }
                    });
                    notice.set(Some((
                        true,
                        tr(lang, "课堂已归档。", "Classroom archived.").into(),
                    )));
                }
                Err(e) => notice.set(Some((false, e.text(lang)))),
            }
            busy.set(false);
        });
    };

    let signed_in = move |me: Instructor| {
        let new_name = RwSignal::new(String::new());
        let on_create = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = new_name.get_untracked().trim().to_string();
            if name.is_empty() || busy.get_untracked() {
                return;
            }
            busy.set(true);
            leptos::task::spawn_local(async move {
                match post_json::<Classroom>(
                    "/api/teach/classrooms",
                    serde_json::json!({ "name": name }),
                )
                .await
                {
                    Ok(c) => {
                        new_name.set(String::new());
                        notice.set(Some((
                            true,
                            match lang {
                                Lang::Zh => format!("已创建课堂“{}”，加入码 {}。", c.name, c.code),
                                Lang::En => format!("Created “{}”, join code {}.", c.name, c.code),
                            },
                        )));
                        classrooms.update(|list| list.insert(0, c));
                    }
                    Err(e) => notice.set(Some((false, e.text(lang)))),
                }
                busy.set(false);
            });
        };
        let on_logout = move |_| {
            busy.set(true);
            leptos::task::spawn_local(async move {
                match post_json::<()>("/api/teach/logout", serde_json::json!({})).await {
                    Ok(()) => {
                        classrooms.set(Vec::new());
                        notice.set(None);
                        state.set(TeachState::SignedOut);
                    }
                    Err(e) => notice.set(Some((false, e.text(lang)))),
                }
                busy.set(false);
            });
        };
        view! {
            <p class="signed-in-as">
                {tr(lang, "已登录：", "Signed in as ")}<strong data-field="email">{me.email}</strong>" "
                <button type="button" class="button button-quiet" on:click=on_logout
                    disabled=move || busy.get()>{tr(lang, "退出", "Sign out")}</button>
            </p>
            <form class="card new-classroom" data-form="new-classroom" on:submit=on_create>
                <h2>{tr(lang, "新建课堂", "New classroom")}</h2>
                <label for="classroom-name">{tr(lang, "课堂名称", "Classroom name")}</label>
                <div class="inline-form">
                    <input id="classroom-name" name="name" required maxlength="80" bind:value=new_name
                        placeholder=tr(lang, "例如：周一下午班", "e.g. Monday afternoon") />
                    <button class="button" type="submit" disabled=move || busy.get()>
                        {tr(lang, "创建", "Create")}
                    </button>
                </div>
            </form>
            <section aria-labelledby="classrooms-h">
                <h2 id="classrooms-h">{tr(lang, "我的课堂", "My classrooms")}</h2>
                {move || {
                    let list = classrooms.get();
                    if list.is_empty() {
                        return Either::Left(view! {
                            <p class="muted">{tr(lang, "还没有课堂。", "No classrooms yet.")}</p>
                        });
                    }
                    Either::Right(view! {
                        <ul class="classroom-list">
                            {list.into_iter().map(|c| {
                                let archived = c.archived_at.is_some();
                                let c2 = c.clone();
                                view! {
                                    <li class="card classroom" data-classroom=c.id.clone()
                                        data-archived=archived.to_string()>
                                        <h3><a href=board_href(lang, &c.id)>{c.name.clone()}</a></h3>
                                        <p class="join">
                                            <span class="join-label">{tr(lang, "加入码", "Join code")}</span>
                                            <code class="join-code" data-field="join-code">{c.code.clone()}</code>
                                            <CopyValue lang=lang value=c.code.clone()
                                                label=tr(lang, "复制加入码", "Copy the join code") />
                                        </p>
                                        <p class="muted">
                                            {match lang {
                                                Lang::Zh => format!("{} 名学员", c.learners),
                                                Lang::En => format!("{} learner{}", c.learners,
                                                    if c.learners == 1 { "" } else { "s" }),
                                            }}
                                            {c.created_at.map(|t| format!(" · {}", format_time(t)))}
                                            {c.archived_at.map(|t| match lang {
                                                Lang::Zh => format!(" · 已于 {} 归档", format_time(t)),
                                                Lang::En => format!(" · archived {}", format_time(t)),
                                            })}
                                        </p>
                                        <p class="actions">
                                            <a class="button" href=board_href(lang, &c.id)>
                                                {tr(lang, "打开看板", "Open board")}
                                            </a>
                                            {(!archived).then(|| view! {
                                                <button type="button" class="button button-danger"
                                                    disabled=move || busy.get()
                                                    on:click=move |_| archive(c2.clone())>
                                                    {tr(lang, "归档", "Archive")}
                                                </button>
                                            })}
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                }}
            </section>
        }
    };

    view! {
        <div class="teach-home" data-state=move || match state.get() {
            TeachState::Loading => "loading",
            TeachState::SignedOut => "signed-out",
            TeachState::SignedIn(_) => "signed-in",
            TeachState::Failed(_) => "failed",
        }>
            <div class="live-region" aria-live="polite">
                {move || notice.get().map(|(ok, text)| notice_view(ok, text))}
            </div>
            {move || match state.get() {
                TeachState::Loading => EitherOf4::A(view! {
                    <p class="muted" role="status">{tr(lang, "正在加载……", "Loading…")}</p>
                }),
                TeachState::Failed(text) => EitherOf4::B(view! {
                    <p class="notice notice-bad" role="alert">{text}</p>
                }),
                TeachState::SignedOut => EitherOf4::C(signed_out()),
                TeachState::SignedIn(me) => EitherOf4::D(signed_in(me)),
            }}
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// /:lang/teach/:id
// ---------------------------------------------------------------------------------------------

#[component]
pub fn BoardPage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <crate::pages::NotFound /> }.into_any();
    };
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    view! {
        <Frame lang=lang path_after_lang=format!("/teach/{id}") title=tr(lang, "课堂看板", "Classroom board").into()
            class="board-page">
            <p><a href=format!("/{}/teach", lang.code())>{tr(lang, "← 所有课堂", "← All classrooms")}</a></p>
            <ClassBoard lang=lang id=id />
        </Frame>
    }
    .into_any()
}

/// How the board gets its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Feed {
    Connecting,
    Live,
    Reconnecting,
    /// No event stream: the board is a snapshot, refreshed after every action.
    Snapshot,
}

#[derive(Clone, Debug, PartialEq)]
struct Selected {
    learner_id: String,
    learner_name: String,
    exercise_id: String,
}

#[derive(Clone, Debug, PartialEq)]
enum History {
    Loading,
    Loaded(Vec<Attempt>),
    Failed(String),
}

/// The learner × exercise matrix, live over SSE, with actions and a learner's attempt history.
#[island]
pub fn ClassBoard(lang: Lang, id: String) -> impl IntoView {
    let board = RwSignal::new(None::<Board>);
    let feed = RwSignal::new(Feed::Connecting);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let selected = RwSignal::new(None::<Selected>);
    let history = RwSignal::new(History::Loading);
    let id = StoredValue::new(id);

    let load_snapshot = move || {
        leptos::task::spawn_local(async move {
            match get_json::<Board>(&api_classroom(&id.get_value())).await {
                Ok(b) => {
                    error.set(None);
                    board.set(Some(b));
                }
                Err(e) => error.set(Some(e.text(lang))),
            }
        });
    };

    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        live::connect(&id.get_value(), board, feed, error, lang, load_snapshot);
        #[cfg(not(feature = "hydrate"))]
        load_snapshot();
    });

    let run = move |what: &'static str| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(Some((true, tr(lang, "正在进行……", "Working…").to_string())));
        leptos::task::spawn_local(async move {
            let url = format!("{}/{what}", api_classroom(&id.get_value()));
            let body = serde_json::json!({});
            let outcome = if what == "grade" {
                post_json::<GradeResult>(&url, body)
                    .await
                    .map(|r| grade_summary(lang, r))
            } else {
                post_json::<RegradeResult>(&url, body)
                    .await
                    .map(|r| regrade_summary(lang, r))
            };
            notice.set(Some(match outcome {
                Ok(text) => (true, text),
                Err(e) => (false, e.text(lang)),
            }));
            busy.set(false);
            // Without a live feed nothing else would show the new results.
            if feed.get_untracked() != Feed::Live {
                load_snapshot();
            }
        });
    };

    let panel = NodeRef::<leptos::html::Section>::new();
    let open = move |sel: Selected| {
        history.set(History::Loading);
        let url = format!(
            "{}/learners/{}/attempts",
            api_classroom(&id.get_value()),
            sel.learner_id
        );
        let exercise = sel.exercise_id.clone();
        selected.set(Some(sel));
        // Move focus to the history so keyboard and screen-reader users land on what they opened.
        request_animation_frame(move || {
            if let Some(el) = panel.get_untracked() {
                let _ = el.focus();
            }
        });
        leptos::task::spawn_local(async move {
            history.set(match get_json::<Vec<Attempt>>(&url).await {
                Ok(all) => History::Loaded(
                    all.into_iter()
                        .filter(|a| a.exercise_id == exercise || a.exercise_id.is_empty())
                        .collect(),
                ),
                Err(e) => History::Failed(e.text(lang)),
            });
        });
    };

    let feed_label = move || match feed.get() {
        Feed::Connecting => tr(lang, "… 正在连接", "… connecting"),
        Feed::Live => tr(lang, "● 实时更新", "● live"),
        Feed::Reconnecting => tr(
            lang,
            "… 连接中断，正在重连",
            "… connection lost, reconnecting",
        ),
        Feed::Snapshot => tr(
            lang,
            "○ 快照（不会自动更新）",
            "○ snapshot (not updating by itself)",
        ),
    };

    // The table's frame changes rarely (exercises, empty or not); rows update on every event.
    // Splitting them keeps unchanged rows, and the keyboard focus in them, across live updates.
    let shape = Memo::new(move |_| {
        board.with(|b| {
            b.as_ref().map(|b| {
                (
                    b.exercises.clone(),
                    b.learners.is_empty(),
                    b.classroom.code.clone(),
                )
            })
        })
    });
    let matrix = move || {
        let Some((exercises, empty, code)) = shape.get() else {
            return EitherOf3::A(
                view! { <p class="muted">{tr(lang, "正在加载看板……", "Loading the board…")}</p> },
            );
        };
        if empty {
            return EitherOf3::B(view! {
                <p class="muted" data-field="no-learners">{match lang {
                    Lang::Zh => format!("还没有学员加入。加入码：{code}"),
                    Lang::En => format!("No learners have joined yet. Join code: {code}"),
                }}</p>
            });
        }
        let head = exercises
            .iter()
            .map(|e| {
                let title = e.title.get(lang).to_string();
                view! {
                    <th scope="col" title=e.id.clone() data-exercise=e.id.clone()>
                        <span class="ex-title">{if title.is_empty() { e.id.clone() } else { title }}</span>
                    </th>
                }
            })
            .collect_view();
        EitherOf3::C(view! {
            <div class="matrix-scroll" role="region" tabindex="0"
                aria-label=tr(lang, "学员 × 练习", "Learners × exercises")>
                <table class="matrix">
                    <thead>
                        <tr>
                            <th scope="col" class="learner-col">{tr(lang, "学员", "Learner")}</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || board.with(|b| b.as_ref().map(|b| b.learners.clone()).unwrap_or_default())
                            key=|l| l.fingerprint()
                            let:learner
                        >
                            {
                                let name = learner.name(lang);
                                let cells = exercises.iter().map(|e| {
                                    let cell = learner.cell(&e.id);
                                    let sel = Selected {
                                        learner_id: learner.id.clone(),
                                        learner_name: name.clone(),
                                        exercise_id: e.id.clone(),
                                    };
                                    let label = format!("{name} · {}: {}, {} {}",
                                        e.title.get(lang), cell.status.label(lang), cell.attempts,
                                        tr(lang, "次尝试", "attempts"));
                                    view! {
                                        <td class=format!("cell cell-{}", cell.status.code())
                                            data-learner=learner.id.clone() data-exercise=e.id.clone()
                                            data-status=cell.status.code()>
                                            <button type="button" aria-label=label
                                                on:click=move |_| open(sel.clone())>
                                                <span class="cell-mark" aria-hidden="true">{cell.status.symbol()}</span>
                                                {(cell.attempts > 0).then(|| view! {
                                                    <span class="cell-count" aria-hidden="true">{cell.attempts}</span>
                                                })}
                                            </button>
                                        </td>
                                    }
                                }).collect_view();
                                view! {
                                    <tr data-learner=learner.id.clone()>
                                        <th scope="row" class="learner-col">
                                            <span class="learner-name">{name.clone()}</span>
                                            <code class="learner-ns">{learner.namespace.clone()}</code>
                                        </th>
                                        {cells}
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <p class="legend muted">
                "✓ "{Status::Passed.label(lang)}" · ✗ "{Status::Failing.label(lang)}
                " · – "{Status::NotStarted.label(lang)}" · "
                {tr(lang, "数字 = 尝试次数。点击格子查看历史。", "number = attempts. Select a cell for its history.")}
            </p>
        })
    };

    let stuck = move || {
        let b = board.get()?;
        let list = b.stuck_sorted();
        Some(view! {
            <section class="card stuck" aria-labelledby="stuck-h">
                <h2 id="stuck-h">{tr(lang, "卡在哪里", "Where are they stuck")}</h2>
                {if list.is_empty() {
                    Either::Left(view! { <p class="muted">{tr(lang, "目前没有失败的检查。", "No failing checks right now.")}</p> })
                } else {
                    Either::Right(view! {
                        <ol class="stuck-list">
                            {list.into_iter().map(|s| view! {
                                <li data-exercise=s.exercise_id.clone() data-assertion=s.assertion_id.clone()>
                                    <span>{b.exercise_title(&s.exercise_id, lang)}</span>
                                    " → "<code>{s.assertion_id.clone()}</code>" · "
                                    <strong>{match lang {
                                        Lang::Zh => format!("{} 名学员", s.learners),
                                        Lang::En => format!("{} learner{}", s.learners, if s.learners == 1 { "" } else { "s" }),
                                    }}</strong>
                                </li>
                            }).collect_view()}
                        </ol>
                    })
                }}
            </section>
        })
    };

    let history_view = move || {
        let sel = selected.get()?;
        let title = board
            .with(|b| b.as_ref().map(|b| b.exercise_title(&sel.exercise_id, lang)))
            .unwrap_or_else(|| sel.exercise_id.clone());
        Some(view! {
            <section class="card history" node_ref=panel tabindex="-1" aria-labelledby="history-h"
                data-learner=sel.learner_id.clone() data-exercise=sel.exercise_id.clone()>
                <div class="history-head">
                    <h2 id="history-h">{format!("{} · {title}", sel.learner_name)}</h2>
                    <button type="button" class="button button-quiet" on:click=move |_| selected.set(None)>
                        {tr(lang, "关闭", "Close")}
                    </button>
                </div>
                {move || match history.get() {
                    History::Loading => EitherOf4::A(view! { <p class="muted" role="status">{tr(lang, "正在加载……", "Loading…")}</p> }),
                    History::Failed(text) => EitherOf4::B(view! { <p class="notice notice-bad" role="alert">{text}</p> }),
                    History::Loaded(list) if list.is_empty() => EitherOf4::C(view! {
                        <p class="muted">{tr(lang, "这个练习还没有尝试记录。", "No attempts at this exercise yet.")}</p>
                    }),
                    History::Loaded(list) => EitherOf4::D(view! {
                        <ol class="attempts">
                            {list.into_iter().map(|a| attempt_view(lang, a)).collect_view()}
                        </ol>
                    }),
                }}
            </section>
        })
    };

    view! {
        <div class="class-board" data-feed=move || format!("{:?}", feed.get()).to_lowercase()>
            {move || board.get().map(|b| view! {
                <div class="board-head">
                    <h2 data-field="classroom-name">{b.classroom.name.clone()}</h2>
                    <p>
                        {tr(lang, "加入码 ", "Join code ")}
                        <code class="join-code" data-field="join-code">{b.classroom.code.clone()}</code>
                        {b.classroom.archived_at.map(|t| match lang {
                            Lang::Zh => format!(" · 已于 {} 归档", format_time(t)),
                            Lang::En => format!(" · archived {}", format_time(t)),
                        })}
                    </p>
                </div>
            })}
            <p class="feed" role="status" aria-live="polite">{feed_label}</p>
            <div class="board-actions">
                <button type="button" class="button" data-action="grade" disabled=move || busy.get()
                    on:click=move |_| run("grade")>{tr(lang, "立即全部评分", "Grade all now")}</button>
                <button type="button" class="button button-quiet" data-action="regrade"
                    disabled=move || busy.get() on:click=move |_| run("regrade")>
                    {tr(lang, "按证据重新评分", "Re-grade from evidence")}
                </button>
                <a class="button button-quiet" href=move || format!("{}/export.csv", api_classroom(&id.get_value()))
                    download="">
                    {tr(lang, "导出 CSV", "Export CSV")}
                </a>
            </div>
            <div class="live-region" aria-live="polite" data-field="action-result">
                {move || notice.get().map(|(ok, text)| notice_view(ok, text))}
            </div>
            {move || error.get().map(|text| view! { <p class="notice notice-bad" role="alert">{text}</p> })}
            {matrix}
            {history_view}
            {stuck}
        </div>
    }
}

fn verdict_results(lang: Lang, results: Vec<crate::account::AssertionOutcome>) -> impl IntoView {
    view! {
        <ul class="results">
            {results.into_iter().map(|r| {
                let mark = if r.passed { "✓" } else if r.skipped { "–" } else { "✗" };
                let word = if r.passed {
                    tr(lang, "通过", "passed")
                } else if r.skipped {
                    tr(lang, "跳过", "skipped")
                } else {
                    tr(lang, "未通过", "failed")
                };
                view! {
                    <li class=if r.passed { "result-ok" } else { "result-bad" } data-assertion=r.id.clone()>
                        <span aria-hidden="true">{mark}</span>
                        <span class="visually-hidden">{word}</span>" "
                        <code>{r.id.clone()}</code>" "
                        <span>{r.title.get(lang).to_string()}</span>
                        {(!r.message.get(lang).is_empty()).then(|| view! {
                            <span class="muted">{format!(" — {}", r.message.get(lang))}</span>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

fn attempt_view(lang: Lang, a: Attempt) -> impl IntoView {
    let evidence = a.evidence_json();
    let source = a.source_label(lang);
    let passed = a.passed;
    let regraded = a.regraded.clone();
    view! {
        <li class="attempt" data-passed=passed.to_string()>
            <p class="attempt-head">
                <strong>{if passed { "✓ " } else { "✗ " }}
                    {if passed { tr(lang, "通过", "passed") } else { tr(lang, "未通过", "failed") }}</strong>
                " · "{format_time(a.at)}" · "{source}
            </p>
            {verdict_results(lang, a.verdict.results)}
            {regraded.map(|v| view! {
                <p class="regraded">
                    {tr(lang, "按当前规则重评：", "Re-graded with the current rules: ")}
                    {if v.passed { tr(lang, "✓ 通过", "✓ passed") } else { tr(lang, "✗ 未通过", "✗ failed") }}
                </p>
                {verdict_results(lang, v.results)}
            })}
            {a.input.map(|input| view! {
                <details>
                    <summary>{tr(lang, "提交的内容", "Submitted text")}</summary>
                    <pre class="json"><code>{input}</code></pre>
                </details>
            })}
            <details>
                <summary>{match lang {
                    Lang::Zh => format!("证据（JSON，{} 个对象）", a.evidence.len()),
                    Lang::En => format!("Evidence (JSON, {} objects)", a.evidence.len()),
                }}</summary>
                <pre class="json"><code>{evidence}</code></pre>
            </details>
        </li>
    }
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::{api_classroom, Board, Feed};
    use crate::account::tr;
    use crate::model::Lang;

    /// Opens the board's event stream. The browser reconnects by itself after a network blip;
    /// when the stream cannot be opened at all (or is closed for good) the board falls back to a
    /// snapshot from `GET`, which also carries the server's error message (e.g. not signed in).
    pub fn connect(
        id: &str,
        board: RwSignal<Option<Board>>,
        feed: RwSignal<Feed>,
        error: RwSignal<Option<String>>,
        lang: Lang,
        snapshot: impl Fn() + Copy + 'static,
    ) {
        let Ok(source) = EventSource::new(&format!("{}/events", api_classroom(id))) else {
            feed.set(Feed::Snapshot);
            snapshot();
            return;
        };
        let on_board = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let text = ev.data().as_string().unwrap_or_default();
            match serde_json::from_str::<Board>(&text) {
                Ok(b) => {
                    feed.set(Feed::Live);
                    error.set(None);
                    board.set(Some(b));
                }
                Err(_) => error.set(Some(
                    tr(
                        lang,
                        "收到的看板数据无法读取。",
                        "A board update could not be read.",
                    )
                    .into(),
                )),
            }
        });
        let es = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if es.ready_state() == EventSource::CLOSED {
                feed.set(Feed::Snapshot);
                snapshot();
            } else {
                feed.set(Feed::Reconnecting);
            }
        });
        let ok = source
            .add_event_listener_with_callback("board", on_board.as_ref().unchecked_ref())
            .is_ok();
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        if !ok {
            source.close();
            feed.set(Feed::Snapshot);
            snapshot();
        }
        // The board lives as long as the page; so do its listeners.
        on_board.forget();
        on_error.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::interpret;

    const BOARD: &str = r#"{
        "classroom": {"id": 3, "code": "ABCD-EFGH", "name": "Mon", "archived_at": null},
        "exercises": [{"id":"deployment","kind":"cluster","title":{"zh":"部署","en":"Deployment"}},
                      {"id":"service","kind":"cluster","title":{"zh":"服务","en":"Service"}}],
        "learners": [{"id":"l1","display_name":"Ada","namespace":"kl-1",
                      "cells":[{"exercise_id":"service","status":"failing","attempts":2,"first_pass_at":null},
                               {"exercise_id":"deployment","status":"passed","attempts":1,"first_pass_at":9}]}],
        "stuck": [{"exercise_id":"deployment","assertion_id":"replicas","learners":1},
                  {"exercise_id":"service","assertion_id":"selector","learners":4},
                  {"exercise_id":"service","assertion_id":"port","learners":0}]
    }"#;

    #[test]
    fn board_cells_are_found_by_exercise_id_not_position() {
        let b: Board = interpret(200, BOARD).unwrap();
        assert_eq!(b.classroom.id, "3");
        let ada = &b.learners[0];
        assert_eq!(ada.cell("deployment").status, Status::Passed);
        assert_eq!(ada.cell("service").attempts, 2);
        assert_eq!(ada.cell("missing").status, Status::NotStarted);
    }

    #[test]
    fn stuck_list_puts_most_learners_first_and_drops_zero() {
        let b: Board = interpret(200, BOARD).unwrap();
        let order: Vec<_> = b
            .stuck_sorted()
            .into_iter()
            .map(|s| s.assertion_id)
            .collect();
        assert_eq!(order, ["selector", "replicas"]);
        assert_eq!(b.exercise_title("service", Lang::Zh), "服务");
        assert_eq!(b.exercise_title("unknown", Lang::En), "unknown");
    }

    #[test]
    fn row_fingerprint_changes_when_a_cell_changes() {
        let mut b: Board = interpret(200, BOARD).unwrap();
        let before = b.learners[0].fingerprint();
        b.learners[0].cells[0].status = Status::Passed;
        assert_ne!(before, b.learners[0].fingerprint());
    }

    #[test]
    fn classrooms_and_results_parse() {
        let list: Vec<Classroom> = interpret(
            200,
            r#"[{"id":"c1","code":"ABCD-EFGH","name":"Mon","created_at":1,"archived_at":null,"learners":2}]"#,
        )
        .unwrap();
        assert_eq!(list[0].learners, 2);
        let g: GradeResult = interpret(200, r#"{"checked":6,"passed":4}"#).unwrap();
        assert_eq!(grade_summary(Lang::En, g), "Checked 6, passed 4.");
        assert_eq!(grade_summary(Lang::Zh, g), "已检查 6 项，通过 4 项。");
    }

    #[test]
    fn attempt_with_evidence_and_regrade_parses() {
        let a: Vec<Attempt> = interpret(
            200,
            r#"[{"id":1,"learner_id":"l1","exercise_id":"deployment","at":0,"source":"grade","passed":false,
                 "verdict":{"exercise":"deployment","mode":"cluster","passed":false,
                            "results":[{"id":"replicas","passed":false,"skipped":false,
                                        "title":{"zh":"副本数","en":"Replicas"},"message":{"zh":"2≠3","en":"2 != 3"}}]},
                 "evidence":[{"kind":"Deployment","metadata":{"name":"web"}}],"input":null,
                 "regraded":{"exercise":"deployment","mode":"cluster","passed":true,"results":[]}}]"#,
        )
        .unwrap();
        assert_eq!(a[0].source_label(Lang::En), "graded by instructor");
        assert_eq!(a[0].verdict.results[0].title.get(Lang::En), "Replicas");
        assert!(a[0].regraded.as_ref().unwrap().passed);
        assert!(a[0].evidence_json().contains("\"name\": \"web\""));
    }
}
