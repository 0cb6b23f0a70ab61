//! Norwegian national identity numbers (fødselsnummer and D-nummer) in free text. Meeting logs are
//! about people who are never to be identified in them, so text that carries an eleven-digit
//! number passing both mod-11 check digits is refused rather than stored.

/// The weights of the first and second check digit.
const FIRST_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const SECOND_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The check digit for `digits` with `weights`, or `None` when the remainder allows none.
fn check_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        digit => Some(digit),
    }
}

/// Whether eleven digits pass both check digits of a national identity number.
pub fn is_national_id(digits: &[u32; 11]) -> bool {
    check_digit(&digits[..9], &FIRST_WEIGHTS) == Some(digits[9])
        && check_digit(&digits[..10], &SECOND_WEIGHTS) == Some(digits[10])
}

/// Whether `text` holds a national identity number: a run of exactly eleven digits, or one
/// written `DDMMYY NNNNN` (one space or dot between the date and the personal number), that
/// passes the mod-11 check. Longer runs of digits are other numbers (account numbers).
pub fn contains_national_id(text: &str) -> bool {
    let runs = digit_runs(text);
    let passes = |digits: &[u32]| <&[u32; 11]>::try_from(digits).is_ok_and(is_national_id);
    runs.iter().any(|(digits, _)| passes(digits))
        || runs.windows(2).any(|pair| {
            let ((date, separator), (number, _)) = (&pair[0], &pair[1]);
            date.len() == 6
                && number.len() == 5
                && matches!(separator, Some(' ' | '.'))
                && passes(&[date.as_slice(), number.as_slice()].concat())
        })
}

/// The runs of ASCII digits in `text`, each with the one character after it when another run
/// follows right after that character.
fn digit_runs(text: &str) -> Vec<(Vec<u32>, Option<char>)> {
    let mut runs: Vec<(Vec<u32>, Option<char>)> = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(digit) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            current.push(digit);
            continue;
        }
        if !current.is_empty() {
            let joins = chars.peek().is_some_and(char::is_ascii_digit);
            runs.push((std::mem::take(&mut current), joins.then_some(c)));
        }
    }
    if !current.is_empty() {
        runs.push((current, None));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic numbers that pass the check (from Skatteetaten's test range and computed here),
    /// never a real person's.
    const VALID: [&str; 3] = ["01010150074", "15076500565", "41019912351"];

    fn digits(number: &str) -> [u32; 11] {
        let mut out = [0; 11];
        for (slot, c) in out.iter_mut().zip(number.chars()) {
            *slot = c.to_digit(10).expect("a digit");
        }
        out
    }

    #[test]
    fn valid_numbers_pass_and_a_changed_digit_fails() {
        for number in VALID {
            assert!(is_national_id(&digits(number)), "{number}");
            let mut changed = digits(number);
            changed[10] = (changed[10] + 1) % 10;
            assert!(!is_national_id(&changed), "{number} changed");
        }
    }

    #[test]
    fn found_in_text_together_or_split_after_the_date() {
        assert!(contains_national_id("Hovedperson 01010150074 møtte"));
        assert!(contains_national_id("fnr: 010101 50074."));
        assert!(contains_national_id("010101.50074"));
        assert!(contains_national_id("15076500565"));
        assert!(!contains_national_id("telefon 91234567, 3 deltakere"));
        assert!(!contains_national_id("kontonummer 150765005651"));
        assert!(!contains_national_id("01010150075"));
        assert!(!contains_national_id("Møte 2026-12-01 med 5 fra familien"));
    }
}
