//! The store's one error type. `text()` is what a learner or instructor reads; `Display` (English)
//! and the log carry the cause for the operator. No message contains a password from the URL.

use kubelab_checks::Text;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite:` nor `postgres:`/`postgresql:`, or asks for an in-memory SQLite
    /// database (two pools would see two different databases).
    #[error(
        "unsupported database URL {url}: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl { url: String },
    /// Connecting or preparing the database failed. `url` is redacted, `cause` scrubbed of the password.
    #[error("cannot open the database {url}: {cause}")]
    Open {
        url: String,
        cause: String,
        unavailable: bool,
    },
    #[error("migrating the database {url} failed: {cause}")]
    Migrate { url: String, cause: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Input refused before it reached the database (empty name, short password, bad prefix).
    #[error("{}", .0.en)]
    Invalid(Text),
    #[error("{}", .0.en)]
    NotFound(Text),
    #[error("{}", .0.en)]
    AlreadyExists(Text),
    /// A stored row could not be decoded (e.g. verdict JSON from an incompatible version).
    #[error("a stored record could not be read: {0}")]
    Corrupt(String),
    #[error("password hashing failed: {0}")]
    Password(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    /// True when the database is down, locked or too slow: worth retrying later, and the
    /// server should answer 503 rather than 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Open { unavailable, .. } => *unavailable,
            StoreError::Database(e) => sqlx_unavailable(e),
            _ => false,
        }
    }

    /// A message for people, in zh and en.
    pub fn text(&self) -> Text {
        if self.is_unavailable() {
            return Text::new(
                "数据库暂时不可用，请稍后再试。",
                "The database is unavailable right now. Please try again in a moment.",
            );
        }
        match self {
            StoreError::Invalid(t) | StoreError::NotFound(t) | StoreError::AlreadyExists(t) => {
                t.clone()
            }
            StoreError::UnsupportedUrl { url } => Text::new(
                format!("不支持的数据库地址 {url}：请使用 sqlite://文件路径 或 postgres://用户@主机/数据库。"),
                format!("Unsupported database URL {url}: use sqlite://path/to/file.db or postgres://user@host/db."),
            ),
            StoreError::Open { url, cause, .. } => Text::new(
                format!("无法打开数据库 {url}：{cause}"),
                format!("Cannot open the database {url}: {cause}"),
            ),
            StoreError::Migrate { url, cause } => Text::new(
                format!("数据库 {url} 的表结构无法升级：{cause}"),
                format!("The tables of the database {url} could not be migrated: {cause}"),
            ),
            StoreError::Corrupt(_) => Text::new(
                "数据库里有一条记录无法读取。请告诉老师或管理员。",
                "A record in the database could not be read. Please tell your instructor or the operator.",
            ),
            StoreError::Database(_) | StoreError::Password(_) => Text::new(
                "保存或读取数据时出错了，请再试一次；如果一直出错，请告诉老师或管理员。",
                "Something went wrong while saving or reading data. Please try again; if it keeps happening, tell your instructor or the operator.",
            ),
        }
    }

    /// An error from opening or migrating, with the password removed from URL and cause.
    pub(crate) fn open(url: &str, e: sqlx::Error) -> Self {
        StoreError::Open {
            url: redact_url(url),
            cause: scrub(&e.to_string(), url),
            unavailable: sqlx_unavailable(&e),
        }
    }

    pub(crate) fn migrate(url: &str, e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate {
            url: redact_url(url),
            cause: scrub(&e.to_string(), url),
        }
    }
}

/// Connection trouble, pool exhaustion, SQLite's BUSY/LOCKED, PostgreSQL's connection and
/// shutdown classes: the database cannot serve us now, nothing is wrong with the request.
fn sqlx_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.parse::<i32>() {
                // SQLite result codes (extended codes keep the primary code in the low byte).
                Ok(n) => matches!(n & 0xff, 5 | 6),
                // PostgreSQL SQLSTATE.
                Err(_) => {
                    code.starts_with("08") || code.starts_with("57P") || code.starts_with("53")
                }
            }
        }
        _ => false,
    }
}

/// The URL with the password replaced by `***` (userinfo and a `password=` query parameter).
pub(crate) fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    for secret in secrets(url) {
        out = out.replace(&format!(":{secret}@"), ":***@");
        out = out.replace(&format!("password={secret}"), "password=***");
    }
    out
}

/// `message` with every password of `url` replaced by `***`.
fn scrub(message: &str, url: &str) -> String {
    secrets(url)
        .into_iter()
        .fold(message.to_string(), |m, s| m.replace(&s, "***"))
}

fn secrets(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Some((_, rest)) = url.split_once("://") else {
        return found;
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if let Some((userinfo, _)) = rest[..authority_end].rsplit_once('@') {
        if let Some((_, password)) = userinfo.split_once(':') {
            found.push(password.to_string());
        }
    }
    if let Some((_, query)) = rest.split_once('?') {
        for pair in query.split('&') {
            if let Some(password) = pair.strip_prefix("password=") {
                found.push(password.to_string());
            }
        }
    }
    found.retain(|s| !s.is_empty());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_url_hides_the_password_in_userinfo_and_query() {
        assert_eq!(
            redact_url("postgres://kubelab:s3cr%40t@db:5432/kubelab"),
            "postgres://kubelab:***@db:5432/kubelab"
        );
        assert_eq!(
            redact_url("postgres://kubelab@db/kubelab?sslmode=require&password=hunter2"),
            "postgres://kubelab@db/kubelab?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("sqlite://data/kubelab.db"),
            "sqlite://data/kubelab.db"
        );
    }

    #[test]
    fn open_error_names_the_url_but_not_the_password() {
        let url = "postgres://kubelab:hunter2@127.0.0.1:1/kubelab";
        let e = StoreError::open(
            url,
            sqlx::Error::Configuration(format!("bad url {url}").into()),
        );
        let shown = format!("{e} {} {}", e.text().zh, e.text().en);
        assert!(
            shown.contains("postgres://kubelab:***@127.0.0.1:1/kubelab"),
            "{shown}"
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn unavailable_errors_say_so_in_both_languages() {
        let e = StoreError::Database(sqlx::Error::PoolTimedOut);
        assert!(e.is_unavailable());
        assert!(e.text().zh.starts_with("数据库暂时不可用"));
        assert!(e.text().en.starts_with("The database is unavailable"));
        assert!(!StoreError::Corrupt("x".into()).is_unavailable());
    }
}
