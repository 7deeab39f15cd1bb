//! Which commands a learner ran in the in-page terminal, read off the shell's output for a
//! classroom that records them (issue #12; off by default). The toolbox's bash prints a mark
//! after each command (`toolbox/share/bashrc`): `ESC ] 7717 ; <id> ; <base64 of the command>
//! BEL`, an OSC sequence that terminals ignore and tmux passes through. The id (the shell's and
//! the command's history number) lets the store keep a command once when two tabs show the same
//! shell. Pure: bytes in, `(id, command)` out.
//!
//! It is what the learner's shell says, not a tamper-proof log: a learner can print a mark of
//! their own, and a command started with a space is not kept by bash's history either. Bounded:
//! a mark longer than [`MAX_MARK`] is skipped, and at most [`PER_MINUTE`] commands a minute are
//! kept per terminal (a loop printing marks cannot fill the store).

use std::time::{Duration, Instant};

use base64::Engine;

/// What opens a mark.
const START: &[u8] = b"\x1b]7717;";
/// What ends it (BEL).
const END: u8 = 0x07;
/// The longest mark read: a command of `kubelab_store::commands::MAX_COMMAND_CHARS` characters fits.
pub const MAX_MARK: usize = 8 * 1024;
/// At most this many commands a minute are kept per terminal; the rest are dropped.
pub const PER_MINUTE: u32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not in a mark; `n` bytes of [`START`] matched so far.
    Outside(usize),
    /// Inside a mark, collecting its base64.
    Inside,
    /// Inside a mark too long to keep: skipped up to its end.
    Skipping,
}

/// Reads marks off a stream that arrives in pieces (a mark may be split between two).
#[derive(Debug)]
pub struct CommandLog {
    state: State,
    mark: Vec<u8>,
    window: Option<Instant>,
    in_window: u32,
    /// Commands dropped by the rate bound since the terminal opened.
    pub dropped: u64,
}

impl Default for CommandLog {
    fn default() -> Self {
        CommandLog {
            state: State::Outside(0),
            mark: Vec::new(),
            window: None,
            in_window: 0,
            dropped: 0,
        }
    }
}

impl CommandLog {
    /// The `(id, command)` of the marks that end in `bytes` (read at `now`), in order, within
    /// the rate bound.
    pub fn take(&mut self, bytes: &[u8], now: Instant) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for &b in bytes {
            self.state = match self.state {
                State::Outside(n) if b == START[n] => {
                    if n + 1 == START.len() {
                        self.mark.clear();
                        State::Inside
                    } else {
                        State::Outside(n + 1)
                    }
                }
                State::Outside(_) => State::Outside(usize::from(b == START[0])),
                State::Inside if b == END => {
                    if let Some(command) = decode(&self.mark) {
                        if self.allow(now) {
                            out.push(command);
                        }
                    }
                    State::Outside(0)
                }
                // Another escape sequence inside a mark: it was not one of ours.
                State::Inside if b == 0x1b => State::Outside(1),
                State::Inside if self.mark.len() >= MAX_MARK => State::Skipping,
                State::Inside => {
                    self.mark.push(b);
                    State::Inside
                }
                State::Skipping if b == END => State::Outside(0),
                State::Skipping if b == 0x1b => State::Outside(1),
                State::Skipping => State::Skipping,
            };
        }
        out
    }

    fn allow(&mut self, now: Instant) -> bool {
        match self.window {
            Some(start) if now.duration_since(start) < Duration::from_secs(60) => {}
            _ => {
                self.window = Some(now);
                self.in_window = 0;
            }
        }
        if self.in_window < PER_MINUTE {
            self.in_window += 1;
            true
        } else {
            self.dropped += 1;
            false
        }
    }
}

/// The longest id a mark may carry.
const MAX_ID: usize = 64;

/// A mark's id and command: `<id>;<base64 of UTF-8>` (other bytes read leniently), the command
/// without surrounding blanks; nothing for an empty command, a missing or odd id, or no base64.
fn decode(mark: &[u8]) -> Option<(String, String)> {
    let split = mark.iter().position(|&b| b == b';')?;
    let (id, b64) = (&mark[..split], &mark[split + 1..]);
    let id_ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(b));
    if !id_ok {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let command = String::from_utf8_lossy(&bytes).trim().to_string();
    (!command.is_empty()).then(|| (String::from_utf8_lossy(id).into_owned(), command))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(command: &str) -> Vec<u8> {
        let mut m = START.to_vec();
        m.extend(format!("42.1700000000-{};", command.len()).bytes());
        m.extend(
            base64::engine::general_purpose::STANDARD
                .encode(command)
                .bytes(),
        );
        m.push(END);
        m
    }

    fn commands(got: Vec<(String, String)>) -> Vec<String> {
        got.into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn commands_are_read_between_the_shells_output_even_split_anywhere() {
        let mut stream = b"\x1b[1mns\x1b[0m:~$ kubectl get pods\r\nNo resources found\r\n".to_vec();
        stream.extend(mark("kubectl get pods"));
        stream.extend(b"\x1b]0;title\x07ns:~$ ");
        stream.extend(mark("echo 你好 | wc -c"));
        let now = Instant::now();
        let whole = CommandLog::default().take(&stream, now);
        assert_eq!(whole[0].0, "42.1700000000-16", "the shell's id for it");
        assert_eq!(
            commands(whole.clone()),
            ["kubectl get pods", "echo 你好 | wc -c"]
        );
        // The same bytes cut at every place, and one by one.
        for cut in 0..stream.len() {
            let mut log = CommandLog::default();
            let mut got = log.take(&stream[..cut], now);
            got.extend(log.take(&stream[cut..], now));
            assert_eq!(got, whole, "cut at {cut}");
        }
        let mut log = CommandLog::default();
        let got: Vec<(String, String)> = stream.iter().flat_map(|b| log.take(&[*b], now)).collect();
        assert_eq!(got, whole);
    }

    #[test]
    fn what_is_not_a_whole_mark_of_ours_is_no_command() {
        let now = Instant::now();
        for bytes in [
            b"\x1b]7717;1-1;not base64!\x07".to_vec(),
            b"\x1b]7717;\x07".to_vec(),
            mark("   "),
            b"\x1b]7716;1-1;a2luZA==\x07".to_vec(),
            // No id, or one that is not an id.
            b"\x1b]7717;a2luZA==\x07".to_vec(),
            b"\x1b]7717;;a2luZA==\x07".to_vec(),
            b"\x1b]7717;a b;a2luZA==\x07".to_vec(),
            // Cut short by another sequence: not ours.
            b"\x1b]7717;1-1;a2lu\x1b[0ma2luZA==\x07".to_vec(),
        ] {
            assert!(
                CommandLog::default().take(&bytes, now).is_empty(),
                "{bytes:?}"
            );
        }
        // An escape that interrupts a mark may open the next one.
        let mut bytes = b"\x1b]7717;abc".to_vec();
        bytes.extend(mark("k get svc"));
        assert_eq!(
            commands(CommandLog::default().take(&bytes, now)),
            ["k get svc"]
        );
    }

    #[test]
    fn a_mark_too_long_is_skipped_and_the_next_one_read() {
        let mut bytes = START.to_vec();
        bytes.extend(std::iter::repeat_n(b'A', MAX_MARK * 4));
        bytes.push(END);
        bytes.extend(mark("ls"));
        let mut log = CommandLog::default();
        assert_eq!(commands(log.take(&bytes, Instant::now())), ["ls"]);
        assert!(log.mark.len() <= MAX_MARK, "memory stays bounded");
    }

    #[test]
    fn at_most_sixty_commands_a_minute_are_kept() {
        let mut log = CommandLog::default();
        let start = Instant::now();
        let burst: Vec<u8> = (0..100).flat_map(|i| mark(&format!("echo {i}"))).collect();
        let kept = log.take(&burst, start);
        assert_eq!(kept.len(), PER_MINUTE as usize);
        assert_eq!(kept[0].1, "echo 0");
        assert_eq!(log.dropped, 40);
        assert!(log
            .take(&mark("later"), start + Duration::from_secs(59))
            .is_empty());
        assert_eq!(
            commands(log.take(&mark("a minute on"), start + Duration::from_secs(61))),
            ["a minute on"]
        );
    }
}
