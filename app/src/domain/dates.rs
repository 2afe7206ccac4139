//! Dates shown to people: timestamps are Unix milliseconds, shown in UTC.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `(year, month 1-12, day)` for days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "30 November 2026"
pub fn format_date(unix_millis: i64) -> String {
    let (year, month, day) = civil_from_days(unix_millis.div_euclid(86_400_000));
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// "30 Nov 2026", for tables.
pub fn format_short_date(unix_millis: i64) -> String {
    let (year, month, day) = civil_from_days(unix_millis.div_euclid(86_400_000));
    format!("{day} {} {year}", &MONTHS[(month - 1) as usize][..3])
}

/// "30 Nov", for one-line details.
pub fn format_day_month(unix_millis: i64) -> String {
    let (_, month, day) = civil_from_days(unix_millis.div_euclid(86_400_000));
    format!("{day} {}", &MONTHS[(month - 1) as usize][..3])
}

/// "30 November 2026, 14:05 UTC"
pub fn format_date_time(unix_millis: i64) -> String {
    let seconds_of_day = unix_millis.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{}, {:02}:{:02} UTC",
        format_date(unix_millis),
        seconds_of_day / 3600,
        seconds_of_day % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        assert_eq!(format_date(0), "1 January 1970");
        assert_eq!(
            format_date_time(951_782_400_000 + 3_600_000 * 14 + 60_000 * 5),
            "29 February 2000, 14:05 UTC"
        );
        assert_eq!(format_date(1_795_392_000_000), "23 November 2026");
        assert_eq!(format_date(-86_400_000), "31 December 1969");
        assert_eq!(format_short_date(1_795_392_000_000), "23 Nov 2026");
    }
}
