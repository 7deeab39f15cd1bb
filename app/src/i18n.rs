//! Every user-visible string of the app, in zh and en, in one place. Lesson text lives in
//! `content/`; this is the frame around it, the islands and their messages.
//!
//! One mechanism for all of them:
//! - a fixed string is a [`Msg`]; [`t`] gives it in the page's language. Each entry holds both
//!   languages side by side (`[zh, en]`), so neither can be forgotten;
//! - a string with values in it (counts, names, times) is a function below, `fn(lang, values…)`,
//!   with both languages in one `match`.
//!
//! Components never spell out UI text themselves; they only join these with punctuation that is
//! the same in both languages (`" · "`, `"✓ "`).

use kubelab_wire::{time, AttemptSource, ExerciseKind, GradeSummary, RegradeSummary, Status};

use crate::model::Lang;

pub mod board;
pub mod search;
pub mod terminal;
pub mod workbench;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    // The page frame and the course outline.
    SiteName,
    Tagline,
    HomeIntro,
    StartCourse,
    Chapters,
    OnThisPage,
    Previous,
    Next,
    Minutes,
    Exercises,
    NoExercises,
    SwitchLanguage,
    MyLab,
    LanguageName,
    Copy,
    Copied,
    CopyFailed,
    Tip,
    Warning,
    Pitfall,
    Note,
    Important,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
    Outline,
    SkipToContent,
    Progress,
    LastChecked,
    Footer,
    ChapterCount,
    // The exercise panel.
    CheckYourWork,
    KindDockerfile,
    KindCommand,
    KindManifest,
    KindQuiz,
    KindCluster,
    OfflineToo,
    EditorLabel,
    EditorHelp,
    CheckAnswer,
    CheckNow,
    ApplyHeading,
    ApplyLabel,
    ApplyDryRun,
    ApplyApply,
    ApplyDelete,
    ApplyWorking,
    ApplyApplied,
    ApplyWouldApply,
    ApplyDeleted,
    ApplyAbsent,
    ApplyRefused,
    StartExercise,
    GatedHeading,
    GatedExplained,
    GatedOwnSwitch,
    GatedByInstructorOn,
    GatedByInstructorOff,
    GatedClassroomSwitch,
    GatedNowOn,
    GatedNowOff,
    ResetExercise,
    SettingUp,
    SetupWillCreate,
    Live,
    LiveWatching,
    LiveConnecting,
    LiveReconnecting,
    LivePaused,
    Checking,
    NotReady,
    AllPassed,
    Passed,
    Failed,
    Skipped,
    Field,
    Expected,
    Found,
    Line,
    HintLabel,
    ShowHint,
    NoMoreHints,
    Hints,
    SubmitAnswers,
    ChooseAll,
    // Talking to the server (`client::ClientError::text`).
    NetworkError,
    ServerError,
    BadReply,
    RateLimited,
    NotSignedIn,
    NotAllowed,
    NothingFound,
    NoClusterNow,
    RequestFailed,
    // Shared by the account pages.
    Loading,
    Working,
    SignOut,
    JoinCode,
    ResumeCode,
    StatusPassed,
    StatusFailing,
    StatusNotStarted,
    SourceCheck,
    SourceSubmit,
    SourceLive,
    SourceGrade,
    // My lab.
    MeLead,
    StartHeading,
    StartBlurb,
    DisplayNameOptional,
    Start,
    JoinHeading,
    JoinBlurb,
    YourName,
    Join,
    ResumeHeading,
    ResumeBlurb,
    Continue,
    AnonymousLearner,
    Namespace,
    CopyResumeCode,
    ResumeCodeHint,
    Classroom,
    ClusterHeading,
    ClusterNone,
    ClusterNotReady,
    ClusterReady,
    DownloadKubeconfig,
    AfterDownload,
    KubeconfigNeedsCluster,
    ResetConfirm,
    ResetDone,
    ResetNamespace,
    NoProgressYet,
    Exercise,
    StatusHeading,
    Attempts,
    // The instructor's home.
    Instructor,
    InstructorSignIn,
    Email,
    Password,
    SignIn,
    LoginWrong,
    SignedInAs,
    NewClassroom,
    ClassroomName,
    ClassroomNamePlaceholder,
    Create,
    MyClassrooms,
    NoClassroomsYet,
    CopyJoinCode,
    OpenBoard,
    Archive,
    ClassroomArchived,
    // The classroom board.
    ClassroomBoard,
    AllClassrooms,
    FeedConnecting,
    FeedLive,
    FeedReconnecting,
    FeedSnapshot,
    BoardUnreadable,
    GradeAll,
    Regrade,
    ExportCsv,
    LoadingBoard,
    LearnersByExercises,
    Learner,
    AttemptsWord,
    NoName,
    BoardLegend,
    StuckHeading,
    NoFailingChecks,
    Close,
    NoAttemptsYet,
    RegradedWith,
    SubmittedText,
}

/// A fixed string in the page's language.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    let [zh, en] = both(msg);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// `[zh, en]` of a message.
fn both(msg: Msg) -> [&'static str; 2] {
    use Msg::*;
    match msg {
        SiteName => ["kubelab", "kubelab"],
        Tagline => [
            "动手学 Kubernetes：每一步都有检查，每个错误都有解释",
            "Learn Kubernetes by doing: every step checked, every mistake explained",
        ],
        HomeIntro => [
            "从 Dockerfile 到 Ingress 与持久卷。读一章，动手做练习，kubelab 会告诉你哪个对象、哪个字段出了问题，以及下一步该试什么。",
            "From a Dockerfile to Ingress and persistent volumes. Read a chapter, do the exercises, and kubelab tells you which object and which field is off, and what to try next.",
        ],
        StartCourse => ["从第一章开始", "Start the course"],
        Chapters => ["章节", "Chapters"],
        OnThisPage => ["本页内容", "On this page"],
        Previous => ["上一章", "Previous"],
        Next => ["下一章", "Next"],
        Minutes => ["分钟", "min"],
        Exercises => ["练习", "Exercises"],
        NoExercises => ["本章没有练习", "No exercises in this chapter"],
        MyLab => ["我的实验", "My lab"],
        SwitchLanguage => ["Switch to English", "切换到中文"],
        LanguageName => ["English", "中文"],
        Copy => ["复制", "Copy"],
        Copied => ["已复制", "Copied"],
        CopyFailed => ["复制失败，请手动选择", "Copy failed; select the text instead"],
        Tip => ["提示", "Tip"],
        Warning => ["注意", "Warning"],
        Pitfall => ["常见陷阱", "Pitfall"],
        Note => ["说明", "Note"],
        Important => ["重要", "Important"],
        NotFoundTitle => ["找不到这一页", "Page not found"],
        NotFoundBody => [
            "这个地址没有对应的内容。也许链接已过期，或者地址里有拼写错误。",
            "Nothing lives at this address. The link may be out of date, or the address may have a typo.",
        ],
        BackHome => ["回到课程目录", "Back to the course outline"],
        Outline => ["课程目录", "Course outline"],
        SkipToContent => ["跳到正文", "Skip to content"],
        Progress => ["进度", "Progress"],
        LastChecked => ["上次检查：", "Last checked: "],
        Footer => [
            "kubelab：开源的 Kubernetes 动手实验课",
            "kubelab: an open, hands-on Kubernetes course",
        ],
        ChapterCount => ["章", "chapters"],

        CheckYourWork => ["检查你的练习", "Check your work"],
        KindDockerfile => ["Dockerfile", "Dockerfile"],
        KindCommand => ["命令", "Command"],
        KindManifest => ["YAML", "YAML"],
        KindQuiz => ["测验", "Quiz"],
        KindCluster => ["集群", "Cluster"],
        OfflineToo => ["也可离线检查 YAML", "YAML can be checked offline too"],
        EditorLabel => ["你的答案", "Your answer"],
        EditorHelp => [
            "Tab 键插入两个空格；先按 Esc 再按 Tab 可以离开输入框。",
            "Tab inserts two spaces; press Esc, then Tab, to leave the editor.",
        ],
        CheckAnswer => ["检查我的答案", "Check my answer"],
        CheckNow => ["立即检查", "Check now"],
        ApplyHeading => ["在页面里应用 YAML", "Apply YAML from the page"],
        ApplyLabel => [
            "粘贴或编写清单（可以用 --- 分隔多个对象）。它们会以你的身份写入你的命名空间。",
            "Paste or write manifests (several objects separated by ---). They go into your namespace, as you.",
        ],
        ApplyDryRun => ["试运行", "Dry run"],
        ApplyApply => ["应用", "Apply"],
        ApplyDelete => ["删除这些对象", "Delete these objects"],
        ApplyWorking => ["正在发送给 API 服务器…", "Sending to the API server…"],
        ApplyApplied => ["已应用", "applied"],
        ApplyWouldApply => ["可以应用（试运行，未保存）", "would be applied (dry run, nothing stored)"],
        ApplyDeleted => ["已删除", "deleted"],
        ApplyAbsent => ["本来就不存在", "was not there"],
        ApplyRefused => ["被拒绝", "refused"],
        StartExercise => ["开始", "Start"],
        GatedHeading => ["按章节解锁练习", "Chapter by chapter"],
        GatedExplained => [
            "打开后，一章的练习要等前面各章的练习都通过才开放；课文始终可以阅读。",
            "When on, a chapter's exercises open once every exercise of the chapters before it has passed; the lessons stay readable.",
        ],
        GatedOwnSwitch => [
            "为我打开按章节解锁",
            "Open exercises chapter by chapter for me",
        ],
        GatedByInstructorOn => [
            "老师为你的班级打开了按章节解锁。",
            "Your instructor has turned this on for your classroom.",
        ],
        GatedByInstructorOff => [
            "老师没有为你的班级打开按章节解锁：所有练习都已开放。",
            "Your instructor has not turned this on for your classroom: every exercise is open.",
        ],
        GatedNowOn => [
            "已打开：学员要先通过前面各章的练习，下一章的练习才开放。",
            "On: learners open a chapter's exercises by passing the chapters before it.",
        ],
        GatedNowOff => [
            "已关闭：所有练习对学员开放。",
            "Off: every exercise is open to the learners.",
        ],
        GatedClassroomSwitch => [
            "按章节解锁练习：前面各章的练习都通过后，下一章的练习才开放",
            "Chapter by chapter: a chapter's exercises open once the chapters before it have passed",
        ],
        ResetExercise => ["重置这个练习", "Reset this exercise"],
        SettingUp => [
            "正在你的命名空间里创建对象…",
            "Creating the objects in your namespace…",
        ],
        SetupWillCreate => [
            "按“开始”会在你的命名空间里创建：",
            "Start creates these objects in your namespace:",
        ],
        Live => ["实时检查", "Live"],
        LiveWatching => [
            "实时检查已开启：集群里的对象一变化，结果就会更新。",
            "Live: the result updates whenever your objects change in the cluster.",
        ],
        LiveConnecting => ["正在连接集群…", "Connecting to the cluster…"],
        LiveReconnecting => [
            "与服务器的连接断了，正在重连…",
            "Lost the connection to the server; reconnecting…",
        ],
        LivePaused => [
            "页面在后台，实时检查已暂停。",
            "The page is in the background; live checking is paused.",
        ],
        Checking => ["正在检查…", "Checking…"],
        NotReady => ["还没通过", "Not passed yet"],
        AllPassed => ["全部通过！", "All checks pass!"],
        Passed => ["通过", "passed"],
        Failed => ["未通过", "failed"],
        Skipped => ["已跳过", "skipped"],
        Field => ["字段", "Field"],
        Expected => ["期望", "Expected"],
        Found => ["实际", "Found"],
        Line => ["位置", "At"],
        HintLabel => ["提示", "Hint"],
        ShowHint => ["给我一个提示", "Show a hint"],
        NoMoreHints => ["提示已经全部显示", "No more hints"],
        Hints => ["提示", "Hints"],
        SubmitAnswers => ["提交答案", "Submit answers"],
        ChooseAll => ["（多选：选出所有正确的）", "(choose every correct option)"],

        NetworkError => [
            "连不上 kubelab 服务器。请检查网络连接，然后再试一次。",
            "Cannot reach the kubelab server. Check your connection and try again.",
        ],
        ServerError => [
            "服务器出错了，请稍后再试。",
            "The server had a problem; try again later.",
        ],
        BadReply => [
            "服务器的回复无法读取，请刷新页面后再试。",
            "The server's reply could not be read; reload the page and try again.",
        ],
        RateLimited => [
            "尝试次数太多，请等一分钟再试。",
            "Too many tries. Wait a minute, then try again.",
        ],
        NotSignedIn => ["你还没有登录。", "You are not signed in."],
        NotAllowed => ["你没有权限这样做。", "You are not allowed to do that."],
        NothingFound => ["没有找到。", "Not found."],
        NoClusterNow => [
            "现在没有连接 Kubernetes 集群。",
            "No Kubernetes cluster is connected right now.",
        ],
        RequestFailed => ["请求没有成功。", "The request did not succeed."],

        Loading => ["正在加载……", "Loading…"],
        Working => ["正在进行……", "Working…"],
        SignOut => ["退出", "Sign out"],
        JoinCode => ["加入码", "Join code"],
        ResumeCode => ["恢复码", "Resume code"],
        StatusPassed => ["已通过", "passed"],
        StatusFailing => ["未通过", "failing"],
        StatusNotStarted => ["未开始", "not started"],
        SourceCheck => ["检查", "check"],
        SourceSubmit => ["提交", "submit"],
        SourceLive => ["实时", "live"],
        SourceGrade => ["教师评分", "graded by instructor"],

        MeLead => [
            "选一种方式开始。你会得到自己的 Kubernetes 命名空间，进度会被保存。",
            "Pick one way to begin. You get your own Kubernetes namespace, and your progress is saved.",
        ],
        StartHeading => ["自己学", "Start on your own"],
        StartBlurb => [
            "按自己的节奏学习。名字可以不填。",
            "Learn at your own pace. The name is optional.",
        ],
        DisplayNameOptional => ["显示名（可选）", "Display name (optional)"],
        Start => ["开始", "Start"],
        JoinHeading => ["加入课堂", "Join a classroom"],
        JoinBlurb => [
            "输入老师给你的加入码和你的名字。",
            "Enter the join code your instructor gave you, and your name.",
        ],
        YourName => ["你的名字", "Your name"],
        Join => ["加入", "Join"],
        ResumeHeading => ["在另一台设备上继续", "Continue on another device"],
        ResumeBlurb => [
            "输入“我的实验”页上显示的恢复码。",
            "Enter the resume code shown on your “My lab” page.",
        ],
        Continue => ["继续", "Continue"],
        AnonymousLearner => ["匿名学员", "Anonymous learner"],
        Namespace => ["命名空间", "Namespace"],
        CopyResumeCode => ["复制恢复码", "Copy the resume code"],
        ResumeCodeHint => [
            "在另一台设备上用它继续。请勿分享。",
            "Use it to continue on another device. Keep it to yourself.",
        ],
        Classroom => ["课堂", "Classroom"],
        ClusterHeading => ["集群", "Cluster"],
        ClusterNone => ["✗ 没有连接集群", "✗ No cluster connected"],
        ClusterNotReady => [
            "… 已连接，命名空间准备中",
            "… Connected, namespace not ready yet",
        ],
        ClusterReady => ["✓ 已连接，命名空间就绪", "✓ Connected, namespace ready"],
        DownloadKubeconfig => ["下载 kubeconfig", "Download kubeconfig"],
        AfterDownload => ["下载后在终端里运行：", "After downloading, run in a terminal:"],
        KubeconfigNeedsCluster => [
            "连接集群后才能下载 kubeconfig。",
            "The kubeconfig can be downloaded once a cluster is connected.",
        ],
        ResetConfirm => [
            "重置会删除你命名空间里的所有对象，然后重新创建一个空的命名空间。继续吗？",
            "Reset deletes every object in your namespace and creates it again, empty. Continue?",
        ],
        ResetDone => ["命名空间已重置。", "Your namespace was reset."],
        ResetNamespace => ["重置我的命名空间", "Reset my namespace"],
        NoProgressYet => ["还没有练习记录。", "No exercises yet."],
        Exercise => ["练习", "Exercise"],
        StatusHeading => ["状态", "Status"],
        Attempts => ["尝试次数", "Attempts"],

        Instructor => ["教师", "Instructor"],
        InstructorSignIn => ["教师登录", "Instructor sign-in"],
        Email => ["邮箱", "Email"],
        Password => ["密码", "Password"],
        SignIn => ["登录", "Sign in"],
        LoginWrong => ["邮箱或密码不对。", "Email or password is wrong."],
        SignedInAs => ["已登录：", "Signed in as "],
        NewClassroom => ["新建课堂", "New classroom"],
        ClassroomName => ["课堂名称", "Classroom name"],
        ClassroomNamePlaceholder => ["例如：周一下午班", "e.g. Monday afternoon"],
        Create => ["创建", "Create"],
        MyClassrooms => ["我的课堂", "My classrooms"],
        NoClassroomsYet => ["还没有课堂。", "No classrooms yet."],
        CopyJoinCode => ["复制加入码", "Copy the join code"],
        OpenBoard => ["打开看板", "Open board"],
        Archive => ["归档", "Archive"],
        ClassroomArchived => ["课堂已归档。", "Classroom archived."],

        ClassroomBoard => ["课堂看板", "Classroom board"],
        AllClassrooms => ["← 所有课堂", "← All classrooms"],
        FeedConnecting => ["… 正在连接", "… connecting"],
        FeedLive => ["● 实时更新", "● live"],
        FeedReconnecting => ["… 连接中断，正在重连", "… connection lost, reconnecting"],
        FeedSnapshot => ["○ 快照（不会自动更新）", "○ snapshot (not updating by itself)"],
        BoardUnreadable => ["收到的看板数据无法读取。", "A board update could not be read."],
        GradeAll => ["立即全部评分", "Grade all now"],
        Regrade => ["按证据重新评分", "Re-grade from evidence"],
        ExportCsv => ["导出 CSV", "Export CSV"],
        LoadingBoard => ["正在加载看板……", "Loading the board…"],
        LearnersByExercises => ["学员 × 练习", "Learners × exercises"],
        Learner => ["学员", "Learner"],
        AttemptsWord => ["次尝试", "attempts"],
        NoName => ["（无名）", "(no name)"],
        BoardLegend => [
            "数字 = 尝试次数。点击格子查看历史。",
            "number = attempts. Select a cell for its history.",
        ],
        StuckHeading => ["卡在哪里", "Where are they stuck"],
        NoFailingChecks => ["目前没有失败的检查。", "No failing checks right now."],
        Close => ["关闭", "Close"],
        NoAttemptsYet => [
            "这个练习还没有尝试记录。",
            "No attempts at this exercise yet.",
        ],
        RegradedWith => ["按当前规则重评：", "Re-graded with the current rules: "],
        SubmittedText => ["提交的内容", "Submitted text"],
    }
}

/// A label before a value: `提示：` / `Hint: `.
pub fn label(lang: Lang, msg: Msg) -> String {
    match lang {
        Lang::Zh => format!("{}：", t(lang, msg)),
        Lang::En => format!("{}: ", t(lang, msg)),
    }
}

/// The label of an exercise kind, for badges and the editor.
pub fn kind(lang: Lang, kind: ExerciseKind) -> &'static str {
    t(
        lang,
        match kind {
            ExerciseKind::Dockerfile => Msg::KindDockerfile,
            ExerciseKind::Command => Msg::KindCommand,
            ExerciseKind::Manifest => Msg::KindManifest,
            ExerciseKind::Quiz => Msg::KindQuiz,
            ExerciseKind::Cluster => Msg::KindCluster,
        },
    )
}

/// Where a learner is with an exercise, in words (beside its symbol: never colour alone).
pub fn status(lang: Lang, status: Status) -> &'static str {
    t(
        lang,
        match status {
            Status::Passed => Msg::StatusPassed,
            Status::Failing => Msg::StatusFailing,
            Status::NotStarted => Msg::StatusNotStarted,
        },
    )
}

/// What produced an attempt, in an attempt history.
pub fn source(lang: Lang, source: AttemptSource) -> &'static str {
    t(
        lang,
        match source {
            AttemptSource::Check => Msg::SourceCheck,
            AttemptSource::Submit => Msg::SourceSubmit,
            AttemptSource::Live => Msg::SourceLive,
            AttemptSource::Grade => Msg::SourceGrade,
        },
    )
}

/// The verdict's headline when something still fails: "2 of 4 checks pass".
pub fn not_passed_summary(lang: Lang, passed: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("{}：{total} 项中 {passed} 项通过", t(lang, Msg::NotReady)),
        Lang::En => format!(
            "{}: {passed} of {total} checks pass",
            t(lang, Msg::NotReady)
        ),
    }
}

/// A chapter's progress in words, beside its bar.
pub fn progress_text(lang: Lang, passed: u32, total: u32) -> String {
    match lang {
        Lang::Zh => format!("已通过 {passed}/{total}"),
        Lang::En => format!("{passed}/{total} passed"),
    }
}

/// The learner's progress over every exercise they tried, on "My lab".
pub fn passed_of(lang: Lang, passed: usize, total: usize) -> String {
    match lang {
        Lang::Zh => format!("已通过 {passed} / {total}"),
        Lang::En => format!("{passed} of {total} passed"),
    }
}

/// "Show a hint (2/3)".
/// A challenge's hints are closed until this many more checks have failed.
pub fn hints_to_go(lang: Lang, to_go: u32) -> String {
    match (lang, to_go) {
        (Lang::Zh, n) => format!("这是挑战：先自己试。再失败 {n} 次检查后，提示才会出现。"),
        (Lang::En, 1) => {
            "A challenge: try it yourself first. The hints appear after one more failed check."
                .to_string()
        }
        (Lang::En, n) => format!(
            "A challenge: try it yourself first. The hints appear after {n} more failed checks."
        ),
    }
}

pub fn show_hint(lang: Lang, next: usize, count: usize) -> String {
    format!("{} ({next}/{count})", t(lang, Msg::ShowHint))
}

/// "Last checked: 2026-11-26 03:04 UTC".
pub fn last_checked(lang: Lang, at: i64) -> String {
    format!("{}{}", t(lang, Msg::LastChecked), time::display(at))
}

/// My lab: when an idle self-paced namespace is removed, and that progress stays.
/// Gated progress: why this exercise is not open yet. The lesson stays readable.
pub fn locked_note(lang: Lang, chapter_title: &str, missing: &[String]) -> String {
    let missing = missing.join(", ");
    match lang {
        Lang::Zh => format!(
            "这道练习还没开放：先让“{chapter_title}”一章的练习都通过（还差：{missing}）。课文可以照常阅读。"
        ),
        Lang::En => format!(
            "This exercise is not open yet: first pass the exercises of “{chapter_title}” (still to pass: {missing}). You can read the lesson as usual."
        ),
    }
}

pub fn idle_removal(lang: Lang, namespace: &str, after_secs: u64, at: i64) -> String {
    let days = after_secs / 86_400;
    let hours = after_secs / 3600;
    match lang {
        Lang::Zh => {
            let span = if days >= 1 {
                format!("{days} 天")
            } else {
                format!("{hours} 小时")
            };
            format!(
                "命名空间 {namespace} 如果 {span}没有使用就会被删除（按现在算：{}）。你的进度会保留；回来时会重新建一个空的命名空间。",
                time::display(at)
            )
        }
        Lang::En => {
            let span = match (days, hours) {
                (1, _) => "a day".to_string(),
                (d, _) if d > 1 => format!("{d} days"),
                (_, 1) => "an hour".to_string(),
                (_, h) => format!("{h} hours"),
            };
            format!(
                "Your namespace {namespace} is removed after {span} without use (as things stand: {}). Your progress stays; when you come back you get a fresh, empty namespace.",
                time::display(at)
            )
        }
    }
}

/// How many learners a classroom has, or are stuck on one assertion.
pub fn learners(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("{n} 名学员"),
        Lang::En => format!("{n} learner{}", if n == 1 { "" } else { "s" }),
    }
}

/// Appended to a classroom's facts once it is archived.
pub fn archived_at(lang: Lang, at: i64) -> String {
    match lang {
        Lang::Zh => format!(" · 已于 {} 归档", time::display(at)),
        Lang::En => format!(" · archived {}", time::display(at)),
    }
}

pub fn classroom_created(lang: Lang, name: &str, code: &str) -> String {
    match lang {
        Lang::Zh => format!("已创建课堂“{name}”，加入码 {code}。"),
        Lang::En => format!("Created “{name}”, join code {code}."),
    }
}

pub fn archive_question(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Zh => format!("归档课堂“{name}”？学员将不能再加入，他们的命名空间会被删除。"),
        Lang::En => format!(
            "Archive “{name}”? Nobody can join it any more, and its learners' namespaces are deleted."
        ),
    }
}

pub fn grade_summary(lang: Lang, r: GradeSummary) -> String {
    match lang {
        Lang::Zh => format!("已检查 {} 项，通过 {} 项。", r.checked, r.passed),
        Lang::En => format!("Checked {}, passed {}.", r.checked, r.passed),
    }
}

pub fn regrade_summary(lang: Lang, r: RegradeSummary) -> String {
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

pub fn no_learners_yet(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Zh => format!("还没有学员加入。加入码：{code}"),
        Lang::En => format!("No learners have joined yet. Join code: {code}"),
    }
}

/// A board cell for screen readers: "Ada · Deployment: passed, 3 attempts".
pub fn cell_label(lang: Lang, learner: &str, exercise: &str, s: Status, attempts: u32) -> String {
    format!(
        "{learner} · {exercise}: {}, {attempts} {}",
        status(lang, s),
        t(lang, Msg::AttemptsWord)
    )
}

/// The summary of an attempt's collapsed evidence.
pub fn evidence(lang: Lang, objects: usize) -> String {
    match lang {
        Lang::Zh => format!("证据（JSON，{objects} 个对象）"),
        Lang::En => format!("Evidence (JSON, {objects} objects)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        // A spot check of the catalogue's shape; `both` is exhaustive, so no variant is missing.
        for msg in [Msg::Loading, Msg::SignOut, Msg::BoardLegend, Msg::Tagline] {
            let [zh, en] = both(msg);
            assert!(!zh.is_empty() && !en.is_empty(), "{msg:?}");
        }
        assert_eq!(t(Lang::Zh, Msg::SignOut), "退出");
        assert_eq!(t(Lang::En, Msg::SignOut), "Sign out");
    }

    #[test]
    fn labels_use_each_language_s_colon() {
        assert_eq!(label(Lang::Zh, Msg::HintLabel), "提示：");
        assert_eq!(label(Lang::En, Msg::HintLabel), "Hint: ");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(learners(Lang::En, 1), "1 learner");
        assert_eq!(learners(Lang::En, 4), "4 learners");
        assert_eq!(learners(Lang::Zh, 4), "4 名学员");
        let g = GradeSummary {
            checked: 6,
            passed: 4,
        };
        assert_eq!(grade_summary(Lang::En, g), "Checked 6, passed 4.");
        assert_eq!(grade_summary(Lang::Zh, g), "已检查 6 项，通过 4 项。");
        assert_eq!(
            cell_label(Lang::En, "Ada", "Deployment", Status::Failing, 2),
            "Ada · Deployment: failing, 2 attempts"
        );
    }
}
