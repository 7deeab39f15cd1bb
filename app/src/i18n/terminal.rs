//! The in-page terminal's dock. Same mechanism as the rest of `i18n`: a fixed string is a [`T`]
//! with both languages side by side. The strings the browser module shows (statuses, flashes)
//! go to it in the dock's `data-text`, keyed by [`T::key`].

use crate::model::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum T {
    Title,
    Open,
    Close,
    Copy,
    Paste,
    Resize,
    Help,
    Run,
    Recording,
    // Sent to the browser module.
    Connecting,
    Starting,
    Connected,
    Reconnecting,
    Lost,
    ReconnectNow,
    Ended,
    NewShell,
    Closed,
    Retry,
    Failed,
    Copied,
    NothingSelected,
    CopyBlocked,
    PasteBlocked,
    PasteTooLarge,
    RunEnter,
    Beside,
    Below,
}

impl T {
    /// The strings the browser module needs, with their keys in `data-text`.
    pub const SENT: [(T, &'static str); 19] = [
        (T::Connecting, "connecting"),
        (T::Starting, "starting"),
        (T::Connected, "connected"),
        (T::Reconnecting, "reconnecting"),
        (T::Lost, "lost"),
        (T::ReconnectNow, "reconnectNow"),
        (T::Ended, "ended"),
        (T::NewShell, "newShell"),
        (T::Closed, "closed"),
        (T::Retry, "retry"),
        (T::Failed, "failed"),
        (T::Copied, "copied"),
        (T::NothingSelected, "nothingSelected"),
        (T::CopyBlocked, "copyBlocked"),
        (T::PasteBlocked, "pasteBlocked"),
        (T::PasteTooLarge, "pasteTooLarge"),
        (T::RunEnter, "runEnter"),
        (T::Beside, "beside"),
        (T::Below, "below"),
    ];
}

/// A fixed string of the terminal in the page's language.
pub fn tt(lang: Lang, msg: T) -> &'static str {
    let [zh, en] = both(msg);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn both(msg: T) -> [&'static str; 2] {
    use T::*;
    match msg {
        Title => ["终端", "Terminal"],
        Open => ["打开终端", "Open the terminal"],
        Close => ["关闭终端", "Close the terminal"],
        Copy => ["复制", "Copy"],
        Paste => ["粘贴", "Paste"],
        Resize => ["调整终端大小", "Resize the terminal"],
        Help => [
            "这里是你自己命名空间里的 shell，kubectl 已经配好（也可以用 k）。Tab 补全；Shift+Tab 离开终端。复制：Ctrl+Shift+C，或选中后 Ctrl+C；粘贴：Ctrl+V 或 Ctrl+Shift+V（Mac 上用 ⌘C / ⌘V），也可以右键。",
            "A shell in your own namespace, kubectl ready (k for short). Tab completes; Shift+Tab leaves the terminal. Copy: Ctrl+Shift+C, or Ctrl+C on a selection; paste: Ctrl+V or Ctrl+Shift+V (⌘C / ⌘V on a Mac), or right-click.",
        ],
        Run => ["在终端中运行", "Run in terminal"],
        Recording => [
            "老师为本班开启了命令记录：你在终端里运行的命令会显示在老师的看板上（以空格开头的命令除外）。",
            "Your instructor records this class's terminal commands: the commands you run here show on their board (except those you start with a space).",
        ],
        Connecting => ["正在连接…", "Connecting…"],
        Starting => [
            "正在准备你的工具箱 Pod（第一次可能要一分钟）…",
            "Starting your toolbox Pod (the first time can take a minute)…",
        ],
        Connected => ["已连接", "Connected"],
        Reconnecting => ["正在重新连接…", "Reconnecting…"],
        Lost => [
            "连接断了，{s} 秒后重连；你的 shell 还在。",
            "Connection lost; reconnecting in {s} s. Your shell is still there.",
        ],
        ReconnectNow => ["立即重连", "Reconnect now"],
        Ended => ["shell 已退出。", "The shell has ended."],
        NewShell => ["新开一个 shell", "Start a new shell"],
        Closed => ["终端已关闭。", "The terminal is closed."],
        Retry => ["再试一次", "Try again"],
        Failed => ["终端打不开，请稍后再试。", "The terminal could not open; please try again later."],
        Copied => ["已复制", "Copied"],
        NothingSelected => ["先用鼠标选中要复制的文字。", "Select some text first."],
        CopyBlocked => [
            "浏览器不允许复制：请用 Ctrl+C（Mac 上 ⌘C）。",
            "The browser blocked copying: use Ctrl+C (⌘C on a Mac).",
        ],
        PasteBlocked => [
            "浏览器不允许读取剪贴板：请在终端里按 Ctrl+V（Mac 上 ⌘V）。",
            "The browser blocked reading the clipboard: press Ctrl+V in the terminal (⌘V on a Mac).",
        ],
        PasteTooLarge => [
            "粘贴的内容太大（最多 256 KiB），没有发送。",
            "That paste is too large (at most 256 KiB); nothing was sent.",
        ],
        RunEnter => ["按回车运行 ↵", "Press Enter to run ↵"],
        Beside => ["放到右边", "Dock beside"],
        Below => ["放到下面", "Dock below"],
    }
}

/// `data-text` of the dock: the browser module's strings as a JSON object.
pub fn sent_json(lang: Lang) -> String {
    let map: serde_json::Map<String, serde_json::Value> = T::SENT
        .iter()
        .map(|(m, key)| ((*key).to_string(), tt(lang, *m).into()))
        .collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_the_module_reads_is_sent_in_both_languages() {
        let module = include_str!("../../../editor/src/terminal.js");
        for lang in [Lang::Zh, Lang::En] {
            let sent: serde_json::Value = serde_json::from_str(&sent_json(lang)).unwrap();
            for (m, key) in T::SENT {
                assert!(!tt(lang, m).is_empty());
                assert_eq!(sent[key], tt(lang, m), "{key}");
            }
        }
        // Each key the module reads (`this.text.<key>`) is one we send, and the other way.
        let read: std::collections::BTreeSet<&str> = module
            .split("this.text.")
            .skip(1)
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .unwrap()
            })
            .collect();
        let sent: std::collections::BTreeSet<&str> = T::SENT.iter().map(|(_, k)| *k).collect();
        assert_eq!(read, sent);
        assert!(tt(Lang::En, T::Lost).contains("{s}") && tt(Lang::Zh, T::Lost).contains("{s}"));
    }
}
