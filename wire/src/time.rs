//! Times on the wire are unix milliseconds; these are the one way kubelab writes them for people
//! and files. UTC everywhere: no locale guessing, and an instructor comparing the board with the
//! CSV export sees the same values.

/// `2026-11-26T03:04:05Z` (CSV exports).
pub fn iso8601(ms: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(ms);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// `2026-11-26 03:04 UTC` (pages).
pub fn display(ms: i64) -> String {
    let (y, m, d, hh, mm, _) = parts(ms);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC")
}

fn parts(ms: i64) -> (i64, u32, u32, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_in_both_forms() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(display(0), "1970-01-01 00:00 UTC");
        // 2026-11-26 03:04:05.999 UTC
        let ms = 1_795_662_245_999;
        assert_eq!(iso8601(ms), "2026-11-26T03:04:05Z");
        assert_eq!(display(ms), "2026-11-26 03:04 UTC");
        // Leap day, and before 1970.
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
        assert_eq!(iso8601(-1000), "1969-12-31T23:59:59Z");
        assert_eq!(iso8601(1_764_126_245_999), "2025-11-26T03:04:05Z");
        assert_eq!(display(1_709_210_096_000), "2024-02-29 12:34 UTC");
    }
}
