//! Bilingual messages the web and the command line both say, about exercises and submitted text.

use kubelab_checks::{InputError, Text};

/// The catalog entry for `id`, or a readable "unknown exercise" message.
pub fn unknown_exercise(id: &str) -> Text {
    Text::new(
        format!("没有 id 为「{id}」的练习；用 kubelab exercises 查看所有练习。"),
        format!("there is no exercise \"{id}\"; `kubelab exercises` lists them all."),
    )
}

/// The code used for an input problem, in the CLI's JSON and in the HTTP API.
pub fn input_error_code(e: &InputError) -> &'static str {
    match e {
        InputError::TooLarge { .. } => "too-large",
        InputError::NotOffline { .. } => "not-offline",
        InputError::TooComplex { .. } => "too-complex",
        _ => "invalid-input",
    }
}

/// "This exercise is not checked in a cluster".
pub fn not_cluster_text(id: &str) -> Text {
    Text::new(
        format!("练习 {id} 不在集群里检查：用 kubelab validate {id} 文件 提交文本。"),
        format!("exercise {id} is not checked in a cluster: submit text with kubelab validate {id} FILE."),
    )
}

/// A wait in Chinese: "30 秒", "5 分钟".
pub fn wait_zh(wait: std::time::Duration) -> String {
    let s = wait.as_secs().max(1);
    if s < 120 {
        format!("{s} 秒")
    } else {
        format!("{} 分钟", s.div_ceil(60))
    }
}

/// A wait in English: "30 seconds", "5 minutes".
pub fn wait_en(wait: std::time::Duration) -> String {
    let s = wait.as_secs().max(1);
    match s {
        1 => "1 second".into(),
        2..=119 => format!("{s} seconds"),
        _ => format!("{} minutes", s.div_ceil(60)),
    }
}
