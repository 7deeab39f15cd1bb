//! The search box and the search page. Same mechanism as the rest of `i18n`: fixed strings are
//! an [`S`] (both languages side by side), strings with values are functions with both
//! languages in one `match`.

use crate::model::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum S {
    /// The label of the header's search field (read by screen readers; the field shows it).
    SearchCourse,
    Placeholder,
    Submit,
    PageTitle,
    Results,
    EmptyHint,
    NoResults,
    NoResultsHint,
    Unavailable,
}

/// A fixed string of search in the page's language.
pub fn ts(lang: Lang, msg: S) -> &'static str {
    let [zh, en] = both(msg);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn both(msg: S) -> [&'static str; 2] {
    use S::*;
    match msg {
        SearchCourse => ["搜索课程", "Search the course"],
        Placeholder => ["搜索…", "Search…"],
        Submit => ["搜索", "Search"],
        PageTitle => ["搜索", "Search"],
        Results => ["搜索结果", "Results"],
        EmptyHint => [
            "输入一个词，比如 滚动更新、污点 或 NodePort，找到讲它的那一节。",
            "Type a word, like taint, NodePort or dry-run, to find the section that explains it.",
        ],
        NoResults => ["没有找到匹配的小节。", "No section matches."],
        NoResultsHint => [
            "试试更短的词，或换成英文术语（如 Service）；也可以换到英文版搜索。",
            "Try fewer or shorter words, or the Kubernetes term itself (like Service); or search the Chinese version.",
        ],
        Unavailable => [
            "搜索暂时不可用，请稍后再试。",
            "Search is not available right now; please try again later.",
        ],
    }
}

/// "3 sections for “taint”".
pub fn found(lang: Lang, n: usize, query: &str) -> String {
    match lang {
        Lang::Zh => format!("“{query}”共找到 {n} 个小节"),
        Lang::En if n == 1 => format!("1 section for “{query}”"),
        Lang::En => format!("{n} sections for “{query}”"),
    }
}

/// The refusal of a query over the bound, with the bound.
pub fn too_long(lang: Lang, max: usize) -> String {
    match lang {
        Lang::Zh => format!("搜索词太长了：最多 {max} 个字符。"),
        Lang::En => format!("That query is too long: at most {max} characters."),
    }
}
