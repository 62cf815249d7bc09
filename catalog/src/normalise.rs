//! What people type, made into what the rules check: the same in the browser (when the
//! applicant leaves a field) and on the server (when it completes the values), so a code typed
//! in lower case with spaces is the code, not an error.

use crate::FieldKind;

/// `raw` as the form keeps it for a field of `kind`: surrounding whitespace trimmed; for the
/// kinds that hold codes, numbers, dates and addresses (not free text, names or choices)
/// full-width characters (０-９, Ａ-Ｚ, －, ：, ＠ …) made half-width; credit codes and ID
/// numbers upper-cased with spaces and hyphens removed; mobile numbers without spaces or
/// hyphens, landlines (0…) without spaces but with their hyphens (area code, extension).
pub fn normalise(kind: FieldKind, raw: &str) -> String {
    let trimmed = raw.trim();
    // (drop spaces, drop hyphens, upper-case): one pass for every kind, kept small for the
    // browser's wasm.
    let (spaces, hyphens, upper) = match kind {
        FieldKind::Text
        | FieldKind::Choice
        | FieldKind::MultiChoice
        | FieldKind::Division
        | FieldKind::YesNo => return trimmed.to_owned(),
        FieldKind::CreditCode | FieldKind::IdNumber => (true, true, true),
        // A landline's hyphens part area code, number and extension; a mobile's are noise.
        FieldKind::Phone => (true, !trimmed.starts_with(['0', '０']), false),
        FieldKind::PostalCode => (true, false, false),
        FieldKind::Email
        | FieldKind::Date
        | FieldKind::Number
        | FieldKind::Integer
        | FieldKind::TimeRange => (false, false, false),
    };
    trimmed
        .chars()
        .map(half_width)
        .filter(|c| !(spaces && c.is_whitespace() || hyphens && *c == '-'))
        .map(|c| if upper { c.to_ascii_uppercase() } else { c })
        .collect()
}

/// A full-width form (U+FF01–U+FF5E) or the ideographic space as its ASCII counterpart: what
/// a Chinese input method produces in its full-width mode.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_people_type_becomes_what_the_rules_check() {
        use FieldKind::*;
        let table: &[(FieldKind, &str, &str)] = &[
            (CreditCode, "91110108551385082q", "91110108551385082Q"),
            (CreditCode, " 9111 0108 5513 8508 2Q ", "91110108551385082Q"),
            (CreditCode, "911101-0855-1385082q", "91110108551385082Q"),
            (
                CreditCode,
                "９１１１０１０８５５１３８５０８２Ｑ",
                "91110108551385082Q",
            ),
            (
                CreditCode,
                "９１１１０１０８５５１３８５０８２ｑ",
                "91110108551385082Q",
            ),
            (IdNumber, "110105 19491231 002x", "11010519491231002X"),
            (
                IdNumber,
                "１１０１０５１９４９１２３１００２Ｘ",
                "11010519491231002X",
            ),
            (IdNumber, "e1234-5678", "E12345678"),
            (Phone, "138 1234 5678", "13812345678"),
            (Phone, "138-1234-5678", "13812345678"),
            (Phone, "１３８１２３４５６７８", "13812345678"),
            (Phone, "+86 138 1234 5678", "+8613812345678"),
            (Phone, "021 - 1234 5678", "021-12345678"),
            (Phone, "0755-1234567-123", "0755-1234567-123"),
            (Phone, "０２１－１２３４５６７８", "021-12345678"),
            (PostalCode, "200 120", "200120"),
            (PostalCode, "２００１２０", "200120"),
            (Email, " ｏｗｎｅｒ＠example.com ", "owner@example.com"),
            (Number, "１２０．５", "120.5"),
            (Integer, "\u{3000}１２\u{3000}", "12"),
            (Date, " 2026-11-27 ", "2026-11-27"),
            (TimeRange, "０９：００－２２：００", "09:00-22:00"),
            // Names and free text keep their full-width characters: they are the name.
            (Text, " 上海（浦东）便利店 ", "上海（浦东）便利店"),
            (Text, "Ａ座", "Ａ座"),
            (Choice, " leased ", "leased"),
            (CreditCode, "", ""),
        ];
        for (kind, raw, want) in table {
            assert_eq!(normalise(*kind, raw), *want, "{kind:?} {raw:?}");
        }
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        use FieldKind::*;
        for (kind, raw) in [
            (CreditCode, " 9111 0108 5513 8508 2q "),
            (Phone, "+86 138-1234-5678"),
            (Phone, "021 - 1234 5678"),
            (Email, "ａ＠ｂ.cn"),
        ] {
            let once = normalise(kind, raw);
            assert_eq!(normalise(kind, &once), once, "{kind:?} {raw:?}");
        }
    }
}
