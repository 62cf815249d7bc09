//! The GB/T 36904 e-license identifier and its ISO/IEC 7064 MOD 37,36 check character, against
//! published identifiers and every single-character corruption of the housing ministry's example.

use catalog::elicense::{ELicenseId, ELicenseIdError, PREFIX, Part};
use catalog::ids;

/// The housing ministry's example (check character U).
const MOHURD: &str = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U";
const ALPHANUMERIC: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// (identifier as published, what `parse` says: `Ok(())` or the error).
const PUBLISHED: &[(&str, Result<(), ELicenseIdError>)] = &[
    // The housing ministry (MOHURD): the identifier format example of its e-license data
    // standards, e.g. 《全国一体化政务服务平台 电子证照 建筑施工企业安全生产管理人员考核合格证书》.
    (MOHURD, Ok(())),
    // The same, version 002, as that standard's appendix A.2 example (quoted in the
    // provinces' interface code for the certificate, field `zzeCertID`).
    (
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
        Ok(()),
    ),
    // Zhejiang's investment project platform (tzxm.zjzwfw.gov.cn): the OFD file name of a
    // permit issued by 11330105002500287C, version 002.
    (
        "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
        Ok(()),
    ),
    // Jining (济宁市行政审批服务局, 11370800MB28559184): a completion filing's identifier in
    // the payload sent to the provincial housing platform.
    (
        "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
        Ok(()),
    ),
    // Hefei's real-estate registration: the e-license platform's answer. Its check character
    // holds (see `published_check_characters_hold_over_the_dotless_body`), but the issuer is the
    // region code 340100, not a credit code: not the form GB/T 36904 gives the issuer.
    (
        "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
        Err(ELicenseIdError::BadPart { part: Part::Issuer }),
    ),
    // A Shandong e-license sharing API's documented example (`certIdentifier`): its check
    // character is wrong, MOD 37,36 gives D.
    (
        "1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M",
        Err(ELicenseIdError::BadCheckChar { expected: 'D' }),
    ),
];

/// The characters after the prefix with the dots left out: what the check character covers.
fn dotless(identifier: &str) -> String {
    identifier
        .strip_prefix(PREFIX)
        .unwrap_or(identifier)
        .replace('.', "")
}

/// MOD 37,36 holds over a dotless string whose last character is the check character.
fn holds(body_and_check: &str) -> bool {
    let Some(split) = body_and_check.len().checked_sub(1) else {
        return false;
    };
    let (body, check) = body_and_check.split_at(split);
    ids::mod37_36_check_char(body).map(String::from).as_deref() == Some(check)
}

#[test]
fn published_identifiers_parse_as_documented() {
    for &(identifier, expected) in PUBLISHED {
        assert_eq!(
            ELicenseId::parse(identifier).map(|_| ()),
            expected,
            "{identifier}"
        );
    }
}

#[test]
fn published_check_characters_hold_over_the_dotless_body() {
    for &(identifier, expected) in PUBLISHED {
        let wrong_check = matches!(expected, Err(ELicenseIdError::BadCheckChar { .. }));
        assert_eq!(holds(&dotless(identifier)), !wrong_check, "{identifier}");
    }
}

#[test]
fn mod37_36_matches_published_test_vectors() {
    // Lobster's reference page for "checksum ISO 7064 Mod. 37/36"
    // (lobster-world.com/online/_data/docs/46/en/BasicISO7064Mod3736Checksum.html), and the
    // ministry's example without its dots.
    for (input, check) in [
        ("123AB", 'X'),
        ("DADPIDA3897722461", 'J'),
        ("A12425GABC1234002", 'M'),
        ("11100000000013338W01111430000006122244L20230000403001", 'U'),
    ] {
        assert_eq!(ids::mod37_36_check_char(input), Some(check), "{input}");
    }
    for outside in ["123ab", "123-AB", "12 3", "１２３", "*"] {
        assert_eq!(ids::mod37_36_check_char(outside), None, "{outside}");
    }
}

#[test]
fn the_example_reads_into_its_parts_and_is_built_back_from_them() {
    let id = ELicenseId::parse(MOHURD).expect("the ministry's example parses");
    assert_eq!(id.license_type(), "11100000000013338W011");
    assert_eq!(id.issuer(), "11430000006122244L");
    assert_eq!(id.serial(), "20230000403");
    assert_eq!(id.version(), 1);
    assert_eq!(id.check_char(), 'U');
    let built = ELicenseId::new(
        "11100000000013338W011",
        "11430000006122244L",
        "20230000403",
        1,
    )
    .expect("the example's parts are well formed");
    assert_eq!(built.to_string(), MOHURD);
    let next = ELicenseId::new(
        "11100000000013338W011",
        "11430000006122244L",
        "20230000403",
        2,
    )
    .expect("version 2 is well formed");
    assert_eq!(
        next.to_string(),
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S"
    );
}

/// License type, issuer, serial, version.
type Parts = (&'static str, &'static str, &'static str, u16);

#[test]
fn bad_parts_are_named() {
    let ok = (
        "11100000000013338W011",
        "11430000006122244L",
        "20230000403",
        1,
    );
    let bad = |part| Err(ELicenseIdError::BadPart { part });
    let cases: &[(Parts, Result<(), ELicenseIdError>)] = &[
        (ok, Ok(())),
        // The defining body's credit code with a wrong check character (X for W).
        (
            ("11100000000013338X011", ok.1, ok.2, ok.3),
            bad(Part::LicenseType),
        ),
        // Two digits after the credit code, or a letter among them.
        (
            ("11100000000013338W01", ok.1, ok.2, ok.3),
            bad(Part::LicenseType),
        ),
        (
            ("11100000000013338W01A", ok.1, ok.2, ok.3),
            bad(Part::LicenseType),
        ),
        // The issuer's credit code in lower case, or with a wrong check character.
        ((ok.0, "11430000006122244l", ok.2, ok.3), bad(Part::Issuer)),
        ((ok.0, "11430000006122244M", ok.2, ok.3), bad(Part::Issuer)),
        // Empty, lower case, punctuation in the serial.
        ((ok.0, ok.1, "", ok.3), bad(Part::Serial)),
        ((ok.0, ok.1, "2023abc", ok.3), bad(Part::Serial)),
        ((ok.0, ok.1, "2023-0403", ok.3), bad(Part::Serial)),
        // Versions count from 1 and have 3 digits.
        ((ok.0, ok.1, ok.2, 0), bad(Part::Version)),
        ((ok.0, ok.1, ok.2, 1000), bad(Part::Version)),
        ((ok.0, ok.1, ok.2, 999), Ok(())),
    ];
    for &((license_type, issuer, serial, version), expected) in cases {
        assert_eq!(
            ELicenseId::new(license_type, issuer, serial, version).map(|_| ()),
            expected,
            "{license_type}.{issuer}.{serial}.{version}"
        );
    }
}

#[test]
fn parse_errors_name_what_is_wrong() {
    let body = "11100000000013338W011.11430000006122244L.20230000403";
    let cases: &[(String, ELicenseIdError)] = &[
        (String::new(), ELicenseIdError::Prefix),
        (MOHURD.replacen("3005", "3006", 1), ELicenseIdError::Prefix),
        (
            MOHURD.to_lowercase(),
            ELicenseIdError::BadPart {
                part: Part::LicenseType,
            },
        ),
        (
            format!("{PREFIX}{body}.001"),
            ELicenseIdError::PartCount { found: 4 },
        ),
        (
            format!("{PREFIX}{body}.001.U."),
            ELicenseIdError::PartCount { found: 6 },
        ),
        (
            format!("{PREFIX}{body}.01.U"),
            ELicenseIdError::BadPart {
                part: Part::Version,
            },
        ),
        (
            format!("{PREFIX}{body}.000.U"),
            ELicenseIdError::BadPart {
                part: Part::Version,
            },
        ),
        (
            format!("{PREFIX}{body}.00A.U"),
            ELicenseIdError::BadPart {
                part: Part::Version,
            },
        ),
        (
            format!("{PREFIX}{body}.001.u"),
            ELicenseIdError::BadPart {
                part: Part::CheckChar,
            },
        ),
        (
            format!("{PREFIX}{body}.001.UU"),
            ELicenseIdError::BadPart {
                part: Part::CheckChar,
            },
        ),
        (
            format!("{PREFIX}{body}.001."),
            ELicenseIdError::BadPart {
                part: Part::CheckChar,
            },
        ),
        (
            format!("{PREFIX}{body}.001.V"),
            ELicenseIdError::BadCheckChar { expected: 'U' },
        ),
        // The first malformed part is named, even when a later one is malformed too.
        (
            format!("{PREFIX}11100000000013338W011.11430000006122244L..000.U"),
            ELicenseIdError::BadPart { part: Part::Serial },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(ELicenseId::parse(text), Err(*expected), "{text}");
    }
}

#[test]
fn every_single_character_change_of_the_example_is_rejected() {
    // Every allowed character, the dot, and what people mistype (lower case, hyphen, space,
    // a full-width digit and full stop).
    let replacements: Vec<char> = ALPHANUMERIC.chars().chain(".ax- １。".chars()).collect();
    for (pos, original) in MOHURD.char_indices() {
        for &replacement in &replacements {
            if replacement == original {
                continue;
            }
            let mut changed = MOHURD.to_string();
            changed.replace_range(pos..pos + 1, replacement.encode_utf8(&mut [0; 4]));
            assert!(ELicenseId::parse(&changed).is_err(), "{changed} passed");
        }
    }
}

#[test]
fn mod37_36_alone_detects_every_substitution_in_the_example() {
    // Independent of the parts' own forms (credit code checks, digits only in the version):
    // MOD 37,36 itself catches any single substitution in what it covers, check char included.
    let covered = dotless(MOHURD);
    assert!(holds(&covered));
    for pos in 0..covered.len() {
        for replacement in ALPHANUMERIC.chars() {
            let mut changed = covered.clone();
            if changed[pos..].starts_with(replacement) {
                continue;
            }
            changed.replace_range(pos..pos + 1, replacement.encode_utf8(&mut [0; 4]));
            assert!(!holds(&changed), "{changed} holds");
        }
    }
    // Where only the check character changes, the parts are all well formed: the error says
    // which check character was due.
    for replacement in ALPHANUMERIC.chars().filter(|&c| c != 'U') {
        let changed = format!("{}{replacement}", &MOHURD[..MOHURD.len() - 1]);
        assert_eq!(
            ELicenseId::parse(&changed),
            Err(ELicenseIdError::BadCheckChar { expected: 'U' })
        );
    }
}

#[test]
fn adjacent_transpositions_of_the_example_are_rejected() {
    let bytes = MOHURD.as_bytes();
    for i in 0..bytes.len() - 1 {
        if bytes[i] == bytes[i + 1] {
            continue;
        }
        let mut swapped = bytes.to_vec();
        swapped.swap(i, i + 1);
        let swapped = String::from_utf8(swapped).expect("ASCII stays ASCII");
        assert!(ELicenseId::parse(&swapped).is_err(), "{swapped} passed");
    }
    // And MOD 37,36 alone catches each one within what it covers.
    let covered = dotless(MOHURD).into_bytes();
    for i in 0..covered.len() - 1 {
        if covered[i] == covered[i + 1] {
            continue;
        }
        let mut swapped = covered.clone();
        swapped.swap(i, i + 1);
        let swapped = String::from_utf8(swapped).expect("ASCII stays ASCII");
        assert!(!holds(&swapped), "{swapped} holds");
    }
}

#[test]
fn no_input_panics() {
    // Every cut of the example, and text that is not ASCII where parts are expected.
    for end in 0..MOHURD.len() {
        assert!(
            ELicenseId::parse(&MOHURD[..end]).is_err(),
            "{}",
            &MOHURD[..end]
        );
    }
    for text in [
        "1.2.156.3005.2.",
        "1.2.156.3005.2.....",
        "1.2.156.3005.2.证照类型代码的十八个字符和三位数.11430000006122244L.1.001.U",
        "1.2.156.3005.2.11100000000013338W011.1143000000612224é.20230000403.001.U",
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.é",
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.9999999999.U",
    ] {
        assert!(ELicenseId::parse(text).is_err(), "{text}");
    }
}
