//! Random ids and human codes. Pure apart from the random source.

use rand::Rng;

/// Ids and namespaces: lowercase letters and digits, valid in a DNS label.
const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Codes people read aloud or type from a projector: no 0/O, 1/I.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;
/// What `create_learner` appends to the namespace prefix.
pub(crate) const SHORT_ID_LEN: usize = 8;

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

/// A random id: 16 lowercase alphanumerics (~82 bits).
pub(crate) fn new_id() -> String {
    random_from(ID_ALPHABET, 16)
}

/// A new resume or join code in its stored (normalised) form: 8 characters, no dash (40 bits).
pub(crate) fn new_code() -> String {
    random_from(CODE_ALPHABET, CODE_LEN)
}

/// The stored form of what someone typed: case, spaces and dashes ignored. `None` when it
/// cannot be a code at all, so the database is not asked.
pub(crate) fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// `K7QF2M9P` → `K7QF-2M9P`.
pub(crate) fn display_code(stored: &str) -> String {
    match (stored.get(..4), stored.get(4..)) {
        (Some(a), Some(b)) if !b.is_empty() => format!("{a}-{b}"),
        _ => stored.to_string(),
    }
}

/// A namespace prefix must keep `<prefix><8 alnum>` a DNS label: lowercase alphanumerics and
/// dashes, starting with a letter, at most 63 characters in all.
pub(crate) fn valid_namespace_prefix(prefix: &str) -> bool {
    prefix.len() + SHORT_ID_LEN <= 63
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && prefix.bytes().next().is_none_or(|b| b.is_ascii_lowercase())
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_back_in_any_case_with_spaces_and_dashes() {
        let code = new_code();
        let shown = display_code(&code);
        assert_eq!(shown.len(), 9);
        assert_eq!(&shown[4..5], "-");
        assert_eq!(normalize_code(&shown).as_deref(), Some(code.as_str()));
        assert_eq!(
            normalize_code(&format!(" {} ", shown.to_lowercase().replace('-', " - "))),
            Some(code)
        );
    }

    #[test]
    fn ambiguous_or_wrong_length_codes_are_refused() {
        assert_eq!(normalize_code("K7QF-2M9O"), None); // O is not in the alphabet
        assert_eq!(normalize_code("K7QF-2M91"), None);
        assert_eq!(normalize_code("K7QF-2M9"), None);
        assert_eq!(normalize_code(""), None);
        assert_eq!(normalize_code("k7qf2m9p").as_deref(), Some("K7QF2M9P"));
    }

    #[test]
    fn ids_are_dns_label_characters() {
        let id = new_id();
        assert_eq!(id.len(), 16);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(new_id(), id);
    }

    #[test]
    fn namespace_prefixes_must_keep_a_dns_label() {
        assert!(valid_namespace_prefix("kl-"));
        assert!(valid_namespace_prefix(""));
        assert!(!valid_namespace_prefix("KL-"));
        assert!(!valid_namespace_prefix("-kl"));
        assert!(!valid_namespace_prefix("kl_"));
        assert!(!valid_namespace_prefix(&"k".repeat(56)));
    }
}
