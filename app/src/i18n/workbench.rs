//! The exercise panel's workbench: the code editor's pre-check line, the jump-to-line buttons and
//! the live object view. Same mechanism as the rest of `i18n`: fixed strings are a [`W`] (both
//! languages side by side), strings with values are functions with both languages in one `match`.

use crate::model::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum W {
    /// The pre-check found nothing wrong in the text.
    PrecheckClean,
    /// The object view's heading.
    ObjectsHeading,
    /// No object of the exercise is there yet.
    ObjectsNone,
    /// The list that says the same as the drawing, for screen readers.
    ObjectsList,
    FirstBroken,
}

/// A fixed string of the workbench in the page's language.
pub fn tw(lang: Lang, msg: W) -> &'static str {
    let [zh, en] = both(msg);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn both(msg: W) -> [&'static str; 2] {
    use W::*;
    match msg {
        PrecheckClean => [
            "预检：文本里没发现问题。点“检查”或“应用”确认。",
            "Pre-check: no problem found in the text. Check or Apply to confirm.",
        ],
        ObjectsHeading => ["你的对象", "Your objects"],
        ObjectsNone => [
            "你的命名空间里还没有这个练习要的对象。",
            "Your namespace has none of this exercise's objects yet.",
        ],
        ObjectsList => ["对象和它们之间的连接", "Objects and how they connect"],
        FirstBroken => ["第一处断开：", "First broken link: "],
    }
}

/// The pre-check's line under the editor: how many problems, and the first with its line.
pub fn precheck_problems(lang: Lang, count: usize, first: &str, line: Option<u32>) -> String {
    let at = |zh: bool| match line {
        Some(l) if zh => format!("第 {l} 行："),
        Some(l) => format!("line {l}: "),
        None => String::new(),
    };
    match lang {
        Lang::Zh => format!("预检：{count} 处问题。{}{first}", at(true)),
        Lang::En => {
            let s = if count == 1 { "" } else { "s" };
            format!("Pre-check: {count} problem{s}. {}{first}", at(false))
        }
    }
}

/// The label of a button that moves the editor's cursor to a finding.
pub fn go_to_line(lang: Lang, line: u32, column: u32) -> String {
    match lang {
        Lang::Zh => format!("{line}:{column}，跳到第 {line} 行第 {column} 列"),
        Lang::En => format!("{line}:{column}, go to line {line}, column {column}"),
    }
}

/// "3 more objects not drawn".
pub fn more_objects(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Zh => format!("另有 {n} 个对象没有画出。"),
        Lang::En => format!("{n} more objects not drawn."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [W; 5] = [
        W::PrecheckClean,
        W::ObjectsHeading,
        W::ObjectsNone,
        W::ObjectsList,
        W::FirstBroken,
    ];

    #[test]
    fn every_string_is_there_in_both_languages() {
        for m in ALL {
            let [zh, en] = both(m);
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{m:?}");
            assert_ne!(zh, en, "{m:?} is not translated");
        }
        assert_eq!(
            precheck_problems(Lang::En, 2, "The selector matches", Some(9)),
            "Pre-check: 2 problems. line 9: The selector matches"
        );
        assert_eq!(
            precheck_problems(Lang::Zh, 1, "缺少标签", None),
            "预检：1 处问题。缺少标签"
        );
    }
}
