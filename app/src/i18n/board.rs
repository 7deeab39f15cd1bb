//! The class board's strings at classroom scale: paging and filtering its rows, and the class
//! analytics. Same mechanism as the rest of `i18n`: fixed strings are a [`B`] (both languages
//! side by side), strings with values are functions with both languages in one `match`.

use kubelab_wire::TimeBucket;

use crate::model::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum B {
    FilterLearners,
    FilterPlaceholder,
    PreviousPage,
    NextPage,
    NoLearnerMatches,
    OtherExercises,
    Pager,
    Analytics,
    PassRateHeading,
    TimeToPassHeading,
    IdleHeading,
    IdleAfter,
    ShowTable,
    Exercise,
    Passed,
    Tried,
    PassRate,
    Assertion,
    LearnersStuck,
    TimeToPass,
    Passes,
    Learner,
    IdleFor,
    NeverTried,
    NobodyIdle,
    NoPassesYet,
    ExportAnalyticsCsv,
    IdleOutOfRange,
    RecordSwitch,
    RecordingNowOn,
    RecordingNowOff,
    TerminalCommands,
    NoCommandsYet,
}

/// A fixed string of the board in the page's language.
pub fn tb(lang: Lang, msg: B) -> &'static str {
    let [zh, en] = both(msg);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn both(msg: B) -> [&'static str; 2] {
    use B::*;
    match msg {
        FilterLearners => ["按姓名筛选学员", "Filter learners by name"],
        FilterPlaceholder => ["姓名或命名空间", "Name or namespace"],
        PreviousPage => ["上一页", "Previous page"],
        NextPage => ["下一页", "Next page"],
        NoLearnerMatches => ["没有匹配的学员。", "No learner matches."],
        OtherExercises => ["其他练习", "Other exercises"],
        Pager => ["学员分页", "Pages of learners"],
        Analytics => ["班级概况", "Class analytics"],
        PassRateHeading => ["各练习通过率", "Pass rate per exercise"],
        TimeToPassHeading => [
            "从第一次尝试到第一次通过的用时",
            "Time from first attempt to first pass",
        ],
        IdleHeading => ["一段时间没有操作的学员", "Learners who have not acted"],
        IdleAfter => ["无操作的分钟数", "Idle after (minutes)"],
        ShowTable => ["以表格显示", "Show as a table"],
        Exercise => ["练习", "Exercise"],
        Passed => ["通过", "Passed"],
        Tried => ["尝试过", "Tried"],
        PassRate => ["通过率", "Pass rate"],
        Assertion => ["检查项", "Check"],
        LearnersStuck => ["卡住的学员", "Learners stuck"],
        TimeToPass => ["用时", "Time"],
        Passes => ["通过次数", "Passes"],
        Learner => ["学员", "Learner"],
        IdleFor => ["无操作时长", "Idle for"],
        NeverTried => ["还没有尝试任何练习", "has not tried an exercise yet"],
        NobodyIdle => ["所有学员都在操作。", "Every learner has acted recently."],
        NoPassesYet => ["还没有人通过练习。", "Nobody has passed an exercise yet."],
        ExportAnalyticsCsv => ["导出概况（CSV）", "Export analytics (CSV)"],
        IdleOutOfRange => [
            "请输入 1 到 1440 之间的整数。",
            "Enter a whole number from 1 to 1440.",
        ],
        RecordSwitch => ["记录学员在终端中运行的命令", "Record the commands learners run in the terminal"],
        RecordingNowOn => [
            "已开启命令记录：学员的终端会提示这一点，新运行的命令显示在学员的尝试记录旁。",
            "Recording is on: learners' terminals say so, and the commands they run from now on show beside their attempts.",
        ],
        RecordingNowOff => [
            "已关闭命令记录：不再记录新命令，已记录的保留。",
            "Recording is off: no new commands are kept; those already kept stay.",
        ],
        TerminalCommands => ["终端命令（最新在前）", "Terminal commands (newest first)"],
        NoCommandsYet => ["还没有记录到终端命令。", "No terminal commands recorded yet."],
    }
}

/// Under the pager: `第 2/8 页 · 37 名学员` / `Page 2 of 8 · 37 learners`.
pub fn page_of(lang: Lang, page: usize, pages: usize, matched: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {page}/{pages} 页 · {matched} 名学员"),
        Lang::En => format!(
            "Page {page} of {pages} · {matched} learner{}",
            if matched == 1 { "" } else { "s" }
        ),
    }
}

/// `42%`.
pub fn pct(p: u32) -> String {
    format!("{p}%")
}

/// A time bucket: `0–5 分钟` / `0–5 min`, `≥ 120 分钟` / `≥ 120 min`.
pub fn bucket(lang: Lang, b: &TimeBucket) -> String {
    let unit = match lang {
        Lang::Zh => "分钟",
        Lang::En => "min",
    };
    match b.to_minutes {
        Some(to) => format!("{}–{to} {unit}", b.from_minutes),
        None => format!("≥ {} {unit}", b.from_minutes),
    }
}

/// `35 分钟` / `35 min`.
pub fn minutes(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("{n} 分钟"),
        Lang::En => format!("{n} min"),
    }
}

/// The pass-rate chart's label for screen readers.
pub fn pass_rate_summary(lang: Lang, exercises: usize, learners: u32, mean: u32) -> String {
    match lang {
        Lang::Zh => format!(
            "各练习通过率条形图：{exercises} 个练习，{learners} 名学员，平均通过率 {mean}%。详见下方表格。"
        ),
        Lang::En => format!(
            "Bar chart of the pass rate per exercise: {exercises} exercises, {learners} learners, mean pass rate {mean}%. The table below has every value."
        ),
    }
}

/// The stuck chart's label for screen readers.
pub fn stuck_summary(lang: Lang, top: Option<(&str, u32)>) -> String {
    match (lang, top) {
        (Lang::Zh, Some((what, n))) => {
            format!("卡住最多的检查项条形图：最多的是「{what}」，{n} 名学员。详见下方表格。")
        }
        (Lang::En, Some((what, n))) => format!(
            "Bar chart of the checks most learners are stuck on: the most is “{what}”, {n} learner{}. The table below has every value.",
            if n == 1 { "" } else { "s" }
        ),
        (Lang::Zh, None) => "没有失败的检查项。".to_string(),
        (Lang::En, None) => "No check is failing.".to_string(),
    }
}

/// The time-to-pass chart's label for screen readers.
pub fn time_summary(lang: Lang, passes: u32, busiest: Option<String>) -> String {
    match (lang, busiest) {
        (Lang::Zh, Some(b)) => format!(
            "从第一次尝试到第一次通过的用时分布：共 {passes} 次通过，最多落在 {b}。详见下方表格。"
        ),
        (Lang::En, Some(b)) => format!(
            "Histogram of the time from first attempt to first pass: {passes} passes, most of them {b}. The table below has every value."
        ),
        (Lang::Zh, None) => "还没有人通过练习。".to_string(),
        (Lang::En, None) => "Nobody has passed an exercise yet.".to_string(),
    }
}

/// Above the idle list: how many learners have not acted for `n` minutes.
pub fn idle_count(lang: Lang, learners: usize, n: u32) -> String {
    match lang {
        Lang::Zh => format!("{learners} 名学员已有 {n} 分钟以上没有操作。"),
        Lang::En => format!(
            "{learners} learner{} {} not acted for {n} minutes or more.",
            if learners == 1 { "" } else { "s" },
            if learners == 1 { "has" } else { "have" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_board_string_has_both_languages() {
        use B::*;
        for m in [
            FilterLearners,
            FilterPlaceholder,
            PreviousPage,
            NextPage,
            NoLearnerMatches,
            OtherExercises,
            Pager,
            Analytics,
            PassRateHeading,
            TimeToPassHeading,
            IdleHeading,
            IdleAfter,
            ShowTable,
            Exercise,
            Passed,
            Tried,
            PassRate,
            Assertion,
            LearnersStuck,
            TimeToPass,
            Passes,
            Learner,
            IdleFor,
            NeverTried,
            NobodyIdle,
            NoPassesYet,
            ExportAnalyticsCsv,
            IdleOutOfRange,
        ] {
            let [zh, en] = both(m);
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{m:?}");
        }
    }

    #[test]
    fn buckets_and_pages_read() {
        let b = TimeBucket {
            from_minutes: 5,
            to_minutes: Some(15),
            count: 3,
        };
        assert_eq!(bucket(Lang::En, &b), "5–15 min");
        let open = TimeBucket {
            from_minutes: 120,
            to_minutes: None,
            count: 0,
        };
        assert_eq!(bucket(Lang::Zh, &open), "≥ 120 分钟");
        assert_eq!(page_of(Lang::En, 2, 8, 1), "Page 2 of 8 · 1 learner");
        assert_eq!(page_of(Lang::Zh, 1, 1, 3), "第 1/1 页 · 3 名学员");
    }
}
