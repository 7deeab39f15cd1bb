//! Bilingual messages the web and the command line both say, about exercises and submitted text.

use kubelab_checks::{InputError, Text};

/// The catalog entry for `id`, or a readable "unknown exercise" message.
pub fn unknown_exercise(id: &str) -> Text {
    Text::new(
        format!("没有 id 为「{id}」的练习；用 kubelab exercises 查看所有练习。"),
        format!("there is no exercise \"{id}\"; `kubelab exercises` lists them all."),
    )
}

/// A bilingual message for a problem with submitted text. Positions are 1-based.
pub fn input_error_text(e: &InputError) -> Text {
    match e {
        InputError::TooLarge { size, limit } => Text::new(
            format!("提交的内容有 {size} 字节，超过上限 {limit} 字节（1 MiB）。"),
            format!("the submission is {size} bytes; the limit is {limit} bytes (1 MiB)."),
        ),
        InputError::Empty => Text::new("提交的内容是空的。", "the submission is empty."),
        InputError::NotUtf8 { line, column } => Text::new(
            format!("第 {line} 行第 {column} 列：内容不是 UTF-8 文本。"),
            format!("line {line}, column {column}: the submission is not UTF-8 text."),
        ),
        InputError::Binary { line, column, byte } => Text::new(
            format!("第 {line} 行第 {column} 列：内容含有二进制数据（字节 0x{byte:02x}）。"),
            format!(
                "line {line}, column {column}: the submission contains binary data (byte 0x{byte:02x})."
            ),
        ),
        InputError::Syntax {
            line,
            column,
            message,
        } => Text::new(
            format!("第 {line} 行第 {column} 列：{message}"),
            format!("line {line}, column {column}: {message}"),
        ),
        InputError::TooComplex {
            line,
            column,
            message,
        } => Text::new(
            format!("第 {line} 行第 {column} 列：这份 YAML 展开后太大或太复杂，已拒绝（{message}）。Kubernetes 清单用不到这么多别名或层级。"),
            format!("line {line}, column {column}: this YAML is too large or too complex once expanded, refused ({message}). A Kubernetes manifest never needs that many aliases or levels."),
        ),
        InputError::Answers { message } => Text::new(
            format!("无法读取答案：{message}"),
            format!("cannot read the answers: {message}"),
        ),
        InputError::NotOffline { exercise } => Text::new(
            format!("练习 {exercise} 要在集群里检查，不能提交文本：运行 kubelab check {exercise} --namespace 你的命名空间。"),
            format!("exercise {exercise} is checked in the cluster, not from submitted text: run kubelab check {exercise} --namespace YOUR-NAMESPACE."),
        ),
    }
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
