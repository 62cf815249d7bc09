//! Trust lists signed by a pinned root, and verdicts against them and the issuers' status
//! lists.

mod common;

use signer::{
    Error, LicenseClaims, Reason, SignedTrustList, SigningKey, Status, StatusList, TrustList,
    TrustedIssuer, TrustedKey, Verdict,
};

const NOW: i64 = common::ISSUED + 86_400;
const DAY: i64 = 86_400;

fn root() -> SigningKey {
    SigningKey::from_seed(&[0x70; 32], "310000")
}

fn pudong() -> SigningKey {
    SigningKey::from_seed(&[0x15; 32], "310115")
}

fn yuhuatai() -> SigningKey {
    SigningKey::from_seed(&[0x14; 32], "320114")
}

fn trusted_key(key: &SigningKey) -> TrustedKey {
    TrustedKey {
        public_key: hex::encode(key.public_key()),
        not_before: 0,
        not_after: None,
    }
}

fn list() -> TrustList {
    TrustList {
        root: "310000".into(),
        issued_at: NOW - DAY,
        expires_at: NOW + 30 * DAY,
        issuers: vec![
            TrustedIssuer {
                id: "310115".into(),
                name: "上海市浦东新区市场监督管理局".into(),
                name_en: "Pudong New Area Administration for Market Regulation".into(),
                divisions: vec![310_115],
                permits: None,
                status_url: "/api/revocations".into(),
                keys: vec![trusted_key(&pudong())],
                withdrawn: vec![],
            },
            TrustedIssuer {
                id: "320114".into(),
                name: "南京市雨花台区行政审批局".into(),
                name_en: "Yuhuatai District Administrative Approval Bureau".into(),
                divisions: vec![320_000],
                permits: Some(vec![1, 2, 3, 6, 7, 9]),
                status_url: "https://yuhuatai.example/api/revocations".into(),
                keys: vec![trusted_key(&yuhuatai())],
                withdrawn: vec![],
            },
        ],
    }
}

fn roots() -> Vec<[u8; 32]> {
    vec![root().public_key()]
}

fn signed(list: &TrustList) -> SignedTrustList {
    list.sign(&root()).unwrap_or_else(|e| panic!("{e}"))
}

fn sample(issuer: &str) -> LicenseClaims {
    common::samples()
        .into_iter()
        .map(|(_, c)| c)
        .find(|c| c.issuer == issuer)
        .unwrap_or_else(|| panic!("no sample of {issuer}"))
}

fn issue(claims: &LicenseClaims, key: &SigningKey) -> String {
    signer::issue(claims, key).unwrap_or_else(|e| panic!("{e}"))
}

/// Both issuers' status lists, revoking `revoked` by number (the samples have no status
/// index: licenses from before versions).
fn statuses(revoked: &[&str]) -> Vec<StatusList> {
    ["310115", "320114"]
        .into_iter()
        .map(|issuer| StatusList {
            issuer: issuer.into(),
            issued_at: NOW - DAY,
            expires_at: NOW + 6 * DAY,
            entries: vec![],
            by_number: revoked.iter().map(|&n| n.to_owned()).collect(),
        })
        .collect()
}

#[test]
fn a_signed_list_verifies_against_its_pinned_root_only() {
    let list = list();
    let signed = signed(&list);
    let json = serde_json::to_string(&signed).unwrap_or_default();
    assert!(
        json.starts_with("{\"cose\":\"d2"),
        "tagged COSE_Sign1: {json}"
    );
    let back: SignedTrustList = serde_json::from_str(&json).unwrap_or(signed.clone());
    assert_eq!(TrustList::verify(&back, &roots()).ok(), Some(list.clone()));
    assert_eq!(TrustList::decode_unverified(&back).ok(), Some(list.clone()));
    let other = SigningKey::from_seed(&[0x71; 32], "310000").public_key();
    assert!(matches!(
        TrustList::verify(&signed, &[other]),
        Err(Error::UnknownRoot { kid }) if kid == root().kid()
    ));
    assert_eq!(
        TrustList::verify(&signed, &[other, root().public_key()]).ok(),
        Some(list.clone())
    );
    // A list signed by an issuer's key is not a trust list, even if that key is trusted.
    let forged = list.sign(&pudong()).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        TrustList::verify(&forged, &roots()),
        Err(Error::UnknownRoot { .. })
    ));
}

#[test]
fn json_form_uses_the_spec_field_names() {
    let json = serde_json::to_value(list()).unwrap_or_default();
    let issuer = &json["issuers"][1];
    for field in [
        "id",
        "name",
        "name_en",
        "divisions",
        "permits",
        "status_url",
        "keys",
        "withdrawn",
    ] {
        assert!(issuer.get(field).is_some(), "{field}");
    }
    assert_eq!(issuer["keys"][0]["not_after"], serde_json::Value::Null);
    // What an operator writes: no times (the signer sets them), no optional fields.
    let written = r#"{"root": "310000", "issuers": [{"id": "310115", "name": "浦东",
        "name_en": "Pudong", "divisions": [310115], "status_url": "/api/revocations",
        "keys": [{"public_key": "PK", "not_before": 0}]}]}"#
        .replace("PK", &hex::encode(pudong().public_key()));
    let parsed: TrustList = serde_json::from_str(&written).unwrap_or_default();
    assert_eq!(parsed.issuers.len(), 1);
    assert_eq!(parsed.issuers[0].permits, None);
    assert!(parsed.issuers[0].withdrawn.is_empty());
}

#[test]
fn signing_refuses_a_list_a_verifier_could_misread() {
    let refused = |edit: fn(&mut TrustList)| {
        let mut list = list();
        edit(&mut list);
        match list.sign(&root()) {
            Err(Error::InvalidTrustList(why)) => why,
            other => panic!("signed: {other:?}"),
        }
    };
    assert!(refused(|l| l.expires_at = l.issued_at).contains("expires_at"));
    assert!(refused(|l| l.issuers[1].id = "310115".into()).contains("listed twice"));
    assert!(refused(|l| l.issuers[0].divisions.push(31)).contains("six-digit"));
    assert!(refused(|l| l.issuers[0].status_url = "ftp://x".into()).contains("status_url"));
    assert!(
        refused(|l| l.issuers[0].keys[0].public_key.make_ascii_uppercase()).contains("lower-case")
    );
    // The identity point: a weak key.
    assert!(
        refused(|l| l.issuers[0].keys[0].public_key = format!("01{}", "0".repeat(62)))
            .contains("weak")
    );
    assert!(refused(|l| l.issuers[0].withdrawn = vec!["ABCDEF01".into()]).contains("withdrawn"));
    assert!(refused(|l| l.issuers[0].keys[0].not_after = Some(-1)).contains("not_after"));
}

#[test]
fn key_set_lists_every_key_not_withdrawn_with_the_issuer_names() {
    let mut list = list();
    let keys = list.key_set().unwrap_or_else(|e| panic!("{e}"));
    let entries = keys.entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].kid, pudong().kid());
    assert_eq!(entries[0].issuer, "310115");
    assert_eq!(
        entries[0].issuer_name.as_deref(),
        Some("上海市浦东新区市场监督管理局")
    );
    assert_eq!(
        entries[1].issuer_name_en.as_deref(),
        Some("Yuhuatai District Administrative Approval Bureau")
    );
    // A withdrawn key signs nothing a verifier accepts, revocation lists included.
    list.issuers[1].withdrawn = vec![yuhuatai().kid().to_owned()];
    let keys = list.key_set().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(keys.entries().len(), 1);
    assert_eq!(list.issuer("320114").map(|i| i.keys.len()), Some(1));
    assert!(list.issuer("310104").is_none());
}

#[test]
fn roots_parse_from_the_build_time_pin() {
    let a = hex::encode(root().public_key());
    let b = hex::encode(pudong().public_key());
    assert_eq!(
        signer::parse_roots(&format!("{a}, {b}")).ok(),
        Some(vec![root().public_key(), pudong().public_key()])
    );
    let message = |text: &str| match signer::parse_roots(text) {
        Err(e) => e.to_string(),
        Ok(roots) => panic!("parsed {roots:?}"),
    };
    assert!(message("").contains("no root key"));
    assert!(message(&format!("{a},xyz")).contains("root key 2 (\"xyz\")"));
    let weak = format!("01{}", "0".repeat(62));
    assert!(message(&format!("{weak},{a}")).contains(&format!("root key 1 ({weak})")));
}

fn verdict(text: &str, trust: &TrustList, statuses: &[StatusList], now: i64) -> Verdict {
    signer::verify_trusted(text, trust, statuses, now)
}

#[test]
fn licenses_of_several_issuers_verify_against_one_list() {
    let trust = list();
    let statuses = statuses(&[]);
    for (issuer, key, name) in [
        ("310115", pudong(), "上海市浦东新区市场监督管理局"),
        ("320114", yuhuatai(), "南京市雨花台区行政审批局"),
    ] {
        let claims = sample(issuer);
        let v = verdict(&issue(&claims, &key), &trust, &statuses, NOW);
        assert_eq!(v.code(), "valid", "{issuer}");
        assert_eq!(v.claims.as_ref(), Some(&claims));
        assert_eq!(v.issuer_name.as_deref(), Some(name));
        assert!(v.issuer_name_en.is_some());
        assert_eq!(v.kid.as_deref(), Some(key.kid()));
    }
}

fn code(text: &str, trust: &TrustList, statuses: &[StatusList], now: i64) -> &'static str {
    verdict(text, trust, statuses, now).code()
}

/// Every reason of `verify_trusted`, each where the one before it would not apply, and where
/// two apply, the earlier one in the spec's order wins.
#[test]
fn reasons_in_order() {
    let trust = list();
    let fresh = statuses(&[]);
    let claims = sample("310115");
    let text = issue(&claims, &pudong());
    assert_eq!(code(&text, &trust, &fresh, NOW), "valid");

    // Format first: nothing else is looked at.
    let v = verdict("YY1:%%", &trust, &fresh, NOW);
    assert!(v.code().starts_with("malformed_"), "{}", v.code());
    assert_eq!((v.kid, v.claims), (None, None));

    // A withdrawn key, withdrawn by its own or by any other issuer, and even when the license
    // names an issuer the list does not know.
    for withdrawer in [0, 1] {
        let mut t = list();
        t.issuers[withdrawer].withdrawn = vec![pudong().kid().to_owned()];
        assert_eq!(code(&text, &t, &fresh, NOW), "key_withdrawn");
        let mut outsider = sample("360113");
        outsider.issuer = "360113".into();
        let as_outsider = SigningKey::from_seed(&[0x15; 32], "360113");
        assert_eq!(
            code(&issue(&outsider, &as_outsider), &t, &fresh, NOW),
            "key_withdrawn"
        );
    }

    // Unknown kid: the issuer is not listed, or it is and the key is not its.
    let outsider = sample("360113");
    let outsider_key = SigningKey::from_seed(&[0x36; 32], "360113");
    let v = verdict(&issue(&outsider, &outsider_key), &trust, &fresh, NOW);
    assert_eq!(v.reason, Some(Reason::UnknownIssuer));
    assert_eq!(v.issuer_name, None);
    let stranger = SigningKey::from_seed(&[0x99; 32], "310115");
    assert_eq!(
        code(&issue(&claims, &stranger), &trust, &fresh, NOW),
        "unknown_key"
    );

    // A listed kid whose signature does not verify.
    let mut cose = signer::to_cose(&text).unwrap_or_default();
    if let Some(last) = cose.last_mut() {
        *last ^= 1;
    }
    let v = verdict(&signer::from_cose(&cose), &trust, &fresh, NOW);
    assert_eq!(v.reason, Some(Reason::SignatureInvalid));
    assert_eq!(v.issuer_name, None, "no name before the signature verified");

    // Pudong's key signing a Yuhuatai license.
    let mut theirs = sample("320114");
    theirs.issuer = "320114".into();
    let borrowed = SigningKey::from_seed(&[0x15; 32], "320114");
    assert_eq!(
        code(&issue(&theirs, &borrowed), &trust, &fresh, NOW),
        "issuer_mismatch"
    );

    let mut late = list();
    late.issuers[0].keys[0].not_before = common::ISSUED + 1;
    assert_eq!(code(&text, &late, &fresh, NOW), "key_not_valid_at_issue");
    let mut retired = list();
    retired.issuers[0].keys[0].not_after = Some(common::ISSUED - 1);
    assert_eq!(code(&text, &retired, &fresh, NOW), "key_not_valid_at_issue");

    // Divisions: exact, city (ending 00), province (ending 0000); nothing else.
    for (divisions, want) in [
        (vec![310_115], "valid"),
        (vec![310_100], "valid"),
        (vec![310_000], "valid"),
        (vec![320_000, 310_100], "valid"),
        (vec![310_104], "division_not_allowed"),
        (vec![310_110], "division_not_allowed"),
        (vec![320_100], "division_not_allowed"),
        (vec![320_000], "division_not_allowed"),
        (vec![], "division_not_allowed"),
    ] {
        let mut t = list();
        t.issuers[0].divisions = divisions.clone();
        assert_eq!(code(&text, &t, &fresh, NOW), want, "{divisions:?}");
    }
    // Yuhuatai (320114) under its province's code; a city's code of another city is not enough.
    let yuhuatai_text = issue(&sample("320114"), &yuhuatai());
    assert_eq!(code(&yuhuatai_text, &trust, &fresh, NOW), "valid");
    let mut t = list();
    t.issuers[1].divisions = vec![320_100];
    assert_eq!(code(&yuhuatai_text, &t, &fresh, NOW), "valid");
    t.issuers[1].divisions = vec![320_200];
    assert_eq!(
        code(&yuhuatai_text, &t, &fresh, NOW),
        "division_not_allowed"
    );
    // Division before permits.
    t.issuers[1].permits = Some(vec![]);
    assert_eq!(
        code(&yuhuatai_text, &t, &fresh, NOW),
        "division_not_allowed"
    );

    // Permit kinds: the sample has kinds 1, 2, 3, 4, 6; every one must be allowed.
    let kinds: Vec<u16> = claims.permits.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [1, 2, 3, 4, 6]);
    for (permits, want) in [
        (None, "valid"),
        (Some(vec![1, 2, 3, 4, 6]), "valid"),
        (Some(vec![6, 4, 3, 2, 1, 9]), "valid"),
        (Some(vec![1, 2, 3, 6]), "permit_not_allowed"),
        (Some(vec![]), "permit_not_allowed"),
    ] {
        let mut t = list();
        t.issuers[0].permits = permits.clone();
        assert_eq!(code(&text, &t, &fresh, NOW), want, "{permits:?}");
    }
    let mut narrow = list();
    narrow.issuers[0].permits = Some(vec![1]);

    // Revoked: after the permit kinds, before the validity window, the status freshness and the
    // trust list's expiry; by its own issuer's list only.
    let revoked = statuses(&[&claims.license_number]);
    assert_eq!(code(&text, &narrow, &revoked, NOW), "permit_not_allowed");
    assert_eq!(code(&text, &trust, &revoked, NOW), "revoked");
    assert_eq!(code(&text, &trust, &revoked[1..], NOW), "status_unknown");
    assert_eq!(code(&text, &trust, &revoked, common::UNTIL), "revoked");
    assert_eq!(code(&text, &trust, &revoked, NOW + 400 * DAY), "revoked");
    // The newest list of the issuer speaks for it, in any order.
    let mut lifted = statuses(&[]);
    lifted[0].issued_at = NOW - DAY / 2;
    for lists in [
        vec![revoked[0].clone(), lifted[0].clone()],
        vec![lifted[0].clone(), revoked[0].clone()],
    ] {
        assert_eq!(code(&text, &trust, &lists, NOW), "valid");
    }

    // The validity window before the status.
    assert_eq!(
        code(&text, &trust, &[], common::ISSUED - 1),
        "not_yet_valid"
    );
    assert_eq!(code(&text, &trust, &[], common::UNTIL), "expired");

    // Status: none of its issuer, or the newest one expired.
    let v = verdict(&text, &trust, &[], NOW);
    assert_eq!(v.reason, Some(Reason::StatusUnknown { since: None }));
    assert_eq!(
        v.issuer_name.as_deref(),
        Some("上海市浦东新区市场监督管理局"),
        "genuine: the name is known"
    );
    assert_eq!(v.claims.as_ref(), Some(&claims));
    let expiry = fresh[0].expires_at;
    assert_eq!(code(&text, &trust, &fresh, expiry - 1), "valid");
    let v = verdict(&text, &trust, &fresh, expiry);
    assert_eq!(
        v.reason,
        Some(Reason::StatusUnknown {
            since: Some(NOW - DAY)
        })
    );
    assert!(
        v.reason
            .as_ref()
            .map(Reason::message)
            .is_some_and(|m| m.contains("2026-05-01T00:00:00Z")),
        "{:?}",
        v.reason.map(|r| r.message())
    );

    // The trust list's own expiry, last.
    let mut lasting = statuses(&[]);
    for l in &mut lasting {
        l.expires_at = NOW + 60 * DAY;
    }
    assert_eq!(code(&text, &trust, &lasting, trust.expires_at - 1), "valid");
    let v = verdict(&text, &trust, &lasting, trust.expires_at);
    assert_eq!(
        v.reason,
        Some(Reason::TrustListExpired {
            since: trust.issued_at
        })
    );
    assert_eq!(v.code(), "trust_list_expired");
    assert_eq!(
        verdict(&text, &trust, &[], trust.expires_at).code(),
        "status_unknown",
        "an unknown status before an old trust list"
    );
}

#[test]
fn each_issuer_has_its_own_status_list() {
    let trust = list();
    let pudong_claims = sample("310115");
    let yuhuatai_claims = sample("320114");
    let pudong_text = issue(&pudong_claims, &pudong());
    let yuhuatai_text = issue(&yuhuatai_claims, &yuhuatai());
    // Pudong's list revokes the Yuhuatai number as well: it has no say over it.
    let mut lists = statuses(&[]);
    lists[0].by_number.extend([
        pudong_claims.license_number.clone(),
        yuhuatai_claims.license_number.clone(),
    ]);
    assert_eq!(code(&pudong_text, &trust, &lists, NOW), "revoked");
    assert_eq!(code(&yuhuatai_text, &trust, &lists, NOW), "valid");
    // Yuhuatai's list expired: only its licenses are unconfirmed.
    lists[1].expires_at = NOW;
    assert_eq!(code(&yuhuatai_text, &trust, &lists, NOW), "status_unknown");
    lists[0].by_number.clear();
    assert_eq!(code(&pudong_text, &trust, &lists, NOW), "valid");
}

#[test]
fn new_reasons_have_codes_and_messages() {
    for (reason, code, words) in [
        (
            Reason::UnknownIssuer,
            "unknown_issuer",
            "not on the trust list",
        ),
        (Reason::KeyWithdrawn, "key_withdrawn", "withdrawn"),
        (Reason::DivisionNotAllowed, "division_not_allowed", "area"),
        (Reason::PermitNotAllowed, "permit_not_allowed", "permits"),
        (
            Reason::StatusUnknown { since: None },
            "status_unknown",
            "no status list",
        ),
        (
            Reason::TrustListExpired {
                since: common::ISSUED,
            },
            "trust_list_expired",
            "trust list of 2026-05-01T00:00:00Z has expired",
        ),
    ] {
        assert_eq!(reason.code(), code);
        assert!(reason.message().contains(words), "{}", reason.message());
        assert_eq!(
            serde_json::to_string(&reason).unwrap_or_default(),
            format!("\"{code}\"")
        );
    }
}

/// A one-issuer list: its signed bytes are the table below.
fn fixed_list() -> TrustList {
    TrustList {
        root: "310000".into(),
        issued_at: common::ISSUED,
        expires_at: common::ISSUED + 30 * DAY,
        issuers: vec![TrustedIssuer {
            id: "310115".into(),
            name: "浦东".into(),
            name_en: "Pudong".into(),
            divisions: vec![310_115],
            permits: Some(vec![1, 2]),
            status_url: "/api/revocations".into(),
            keys: vec![TrustedKey {
                public_key: hex::encode(pudong().public_key()),
                not_before: common::ISSUED,
                not_after: None,
            }],
            withdrawn: vec!["0badc0de".into()],
        }],
    }
}

const FIXED_TRUST_LIST: &str = "
    d2                              # tag 18: COSE_Sign1
    84                              # array(4)
    49                              # bstr(9): protected header
       a2 01 27 04 44 81ebc23c      #   {1 alg: -8 EdDSA, 4 kid: h'81ebc23c'}, the root's kid
    a0                              # unprotected header: {}
    58 80                           # bstr(128): payload
       a4                           #   map(4)
       01 66 333130303030           #   1 root: \"310000\"
       04 1a 6a1b7a00               #   4 exp: 1780185600 (2026-05-31)
       06 1a 69f3ed00               #   6 iat: 1777593600 (2026-05-01)
       20 81                        #   -1 issuers: array(1)
          a8                        #     map(8)
          01 66 333130313135        #     1 id: \"310115\"
          02 66 e6b5a6e4b89c        #     2 name: 浦东 (UTF-8)
          03 66 507564 6f6e67       #     3 name_en: \"Pudong\"
          04 81 1a 0004bb63         #     4 divisions: [310115]
          05 82 01 02               #     5 permits: [1, 2] (absent: any)
          06 70 2f6170692f7265766f636174696f6e73 # 6 status_url: \"/api/revocations\"
          07 81 a2                  #     7 keys: [{
             01 58 20               #       1 public key: bstr(32)
             d54207da194977dcf46adbfec2bc2e75b52d5a8a42184fedfdc00024f0e3e8da
             02 1a 69f3ed00         #       2 not_before: 2026-05-01; 3 not_after absent }]
          08 81 44 0badc0de         #     8 withdrawn: [h'0badc0de'] (absent when empty)
    58 40                           # bstr(64): Ed25519 signature by the root
       2787508b129ec780e646c0815865cecae1e1d7430e8d5b09e310604844c8f4f5
       b27b6ccafd6772964765d46e820a2823132c4db8e40db04c4f2c0f87c2327f0f
";

fn unhex(table: &str) -> Vec<u8> {
    let clean: String = table
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .collect();
    hex::decode(clean).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fixed_trust_list_hex_table() {
    let signed = signed(&fixed_list());
    assert_eq!(signed.cose, hex::encode(unhex(FIXED_TRUST_LIST)));
    assert_eq!(
        TrustList::verify(&signed, &roots()).ok(),
        Some(fixed_list())
    );
}

/// A CBOR byte string head and its bytes.
fn bstr(b: &[u8]) -> Vec<u8> {
    let head = match b.len() {
        n @ 0..24 => vec![0x40 | n as u8],
        n @ 24..256 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    [head, b.to_vec()].concat()
}

/// `payload` (commented hex) signed by `seed` as a tagged COSE_Sign1, whatever it holds.
fn signed_payload(payload: &str, seed: [u8; 32]) -> SignedTrustList {
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let kid = SigningKey::from_seed(&seed, "root").kid().to_owned();
    let protected = unhex(&format!("a2 01 27 04 44 {kid}"));
    let payload = unhex(payload);
    let tbs = [
        &unhex("84 6a 5369676e617475726531")[..], // ["Signature1",
        &bstr(&protected),
        &[0x40], // external_aad h''
        &bstr(&payload),
    ]
    .concat();
    let signature = key.sign(&tbs).to_bytes();
    let cose = [
        &[0xd2, 0x84][..],
        &bstr(&protected),
        &[0xa0],
        &bstr(&payload),
        &bstr(&signature),
    ]
    .concat();
    SignedTrustList {
        cose: hex::encode(cose),
    }
}

const ROOT_EXP_IAT: &str = "01 66 333130303030  04 1a 6a1b7a00  06 1a 69f3ed00";
const ID_NAMES_DIV: &str = "01 66 333130313135  02 66 e6b5a6e4b89c  03 66 50756 46f6e67
                            04 81 1a 0004bb63";
const STATUS: &str = "06 70 2f6170692f7265766f636174696f6e73";
const KEY: &str = "01 58 20 d54207da194977dcf46adbfec2bc2e75b52d5a8a42184fedfdc00024f0e3e8da
                   02 1a 69f3ed00";

/// Payloads signed by the pinned root that must still be refused, with what the error says.
#[test]
fn trust_list_decode_failure_table() {
    let root_seed = [0x70; 32];
    // The table's own payload builder yields the good list, so the cases differ only as shown.
    let good = format!("a4 {ROOT_EXP_IAT} 20 81 a6 {ID_NAMES_DIV} {STATUS} 07 81 a2 {KEY}");
    let mut want = fixed_list();
    want.issuers[0].permits = None;
    want.issuers[0].withdrawn.clear();
    assert_eq!(
        TrustList::verify(&signed_payload(&good, root_seed), &roots()).ok(),
        Some(want)
    );
    let issuer = |fields: &str| format!("a4 {ROOT_EXP_IAT} 20 81 {fields}");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "no issuers key",
            format!("a3 {ROOT_EXP_IAT}"),
            "trust list must be {1: root, 4: exp, 6: iat, -1: [...]}",
        ),
        (
            "an unknown key 7 before the issuers",
            format!("a5 {ROOT_EXP_IAT} 07 00 20 80"),
            "trust list must be {1: root",
        ),
        (
            "an unknown key -2 after the issuers",
            format!("a5 {ROOT_EXP_IAT} 20 80 21 00"),
            "trust list must be {1: root",
        ),
        (
            "exp twice",
            "a5 01 66 333130303030 04 1a 6a1b7a00 04 1a 6a1b7a00 06 1a 69f3ed00 20 80".into(),
            "invalid CBOR: duplicate map key",
        ),
        (
            "root as a byte string",
            "a4 01 46 333130303030 04 1a 6a1b7a00 06 1a 69f3ed00 20 80".into(),
            "expected a text string",
        ),
        (
            "exp in 8 bytes",
            "a4 01 66 333130303030 04 1b 000000006a1b7a00 06 1a 69f3ed00 20 80".into(),
            "not in its shortest form",
        ),
        (
            "indefinite issuers array",
            format!("a4 {ROOT_EXP_IAT} 20 9f ff"),
            "indefinite-length items are not allowed",
        ),
        (
            "a byte after the map",
            format!("a4 {ROOT_EXP_IAT} 20 80 00"),
            "trailing bytes after the item",
        ),
        (
            "an issuer without keys",
            issuer(&format!("a5 {ID_NAMES_DIV} {STATUS}")),
            "trust list issuer must be",
        ),
        (
            "an unknown issuer field 9",
            issuer(&format!("a7 {ID_NAMES_DIV} {STATUS} 07 81 a2 {KEY} 09 00")),
            "trust list issuer must be",
        ),
        (
            "an empty withdrawn list present",
            issuer(&format!("a7 {ID_NAMES_DIV} {STATUS} 07 81 a2 {KEY} 08 80")),
            "an empty withdrawn list must be left out",
        ),
        (
            "a withdrawn kid of 3 bytes",
            issuer(&format!(
                "a7 {ID_NAMES_DIV} {STATUS} 07 81 a2 {KEY} 08 81 43 0badc0"
            )),
            "a withdrawn key id must be 4 bytes",
        ),
        (
            "permit kind 65536",
            issuer(&format!(
                "a7 {ID_NAMES_DIV} 05 81 1a 00010000 {STATUS} 07 81 a2 {KEY}"
            )),
            "permit kind out of range",
        ),
        (
            "a division as text",
            issuer(&format!(
                "a6 01 66 333130313135 02 60 03 60 04 81 66 333130313135 {STATUS} 07 80"
            )),
            "expected an unsigned integer",
        ),
        (
            "a public key of 31 bytes",
            issuer(&format!(
                "a6 {ID_NAMES_DIV} {STATUS} 07 81 a2 01 58 1f {} 02 00",
                "00".repeat(31)
            )),
            "a public key must be 32 bytes",
        ),
        (
            "a key with an unknown field 4",
            issuer(&format!("a6 {ID_NAMES_DIV} {STATUS} 07 81 a3 {KEY} 04 00")),
            "trust list key must be",
        ),
        (
            "a weak public key (the identity point)",
            issuer(&format!(
                "a6 {ID_NAMES_DIV} {STATUS} 07 81 a2 01 58 20 01{} 02 00",
                "00".repeat(31)
            )),
            "weak key",
        ),
        (
            "a key's not_after before its not_before",
            issuer(&format!(
                "a6 {ID_NAMES_DIV} {STATUS} 07 81 a3 {KEY} 03 1a 69f3ecff"
            )),
            "not_after is before its not_before",
        ),
        (
            "a division of five digits",
            issuer(&format!(
                "a6 01 66 333130313135 02 60 03 60 04 81 19 7918 {STATUS} 07 80"
            )),
            "division 31000 is not a six-digit",
        ),
        (
            "exp before iat",
            "a4 01 60 04 1a 69f3ed00 06 1a 6a1b7a00 20 80".into(),
            "expires_at must be after issued_at",
        ),
        (
            "the same issuer twice",
            format!(
                "a4 {ROOT_EXP_IAT} 20 82 a6 {ID_NAMES_DIV} {STATUS} 07 80 a6 {ID_NAMES_DIV} {STATUS} 07 80"
            ),
            "listed twice",
        ),
    ];
    for (label, payload, says) in &cases {
        let signed = signed_payload(payload, root_seed);
        for result in [
            TrustList::verify(&signed, &roots()),
            TrustList::decode_unverified(&signed),
        ] {
            match result {
                Err(e) => assert!(e.to_string().contains(says), "{label}: {e}"),
                Ok(list) => panic!("{label}: accepted {list:?}"),
            }
        }
    }

    // The envelope.
    let fixed = SignedTrustList {
        cose: hex::encode(unhex(FIXED_TRUST_LIST)),
    };
    let envelope: Vec<(&str, SignedTrustList, &str)> = vec![
        (
            "signed by a key that is not pinned",
            signed_payload(&good, [0x71; 32]),
            "not a root of trust of this verifier",
        ),
        (
            "not hex",
            SignedTrustList {
                cose: format!("{}zz", fixed.cose),
            },
            "trust list cose must be hex",
        ),
        (
            "larger than 1 MiB",
            SignedTrustList {
                cose: "00".repeat((1 << 20) + 1),
            },
            "larger than 1 MiB",
        ),
        (
            "untagged",
            SignedTrustList {
                cose: fixed.cose[2..].to_owned(),
            },
            "expected a tag",
        ),
        (
            "a byte after the COSE_Sign1",
            SignedTrustList {
                cose: format!("{}00", fixed.cose),
            },
            "trailing bytes after the item",
        ),
        (
            "the payload's exp changed after signing",
            SignedTrustList {
                cose: fixed.cose.replacen("6a1b7a00", "6a1b7a01", 1),
            },
            "signature does not verify",
        ),
    ];
    for (label, signed, says) in &envelope {
        match TrustList::verify(signed, &roots()) {
            Err(e) => assert!(e.to_string().contains(says), "{label}: {e}"),
            Ok(list) => panic!("{label}: accepted {list:?}"),
        }
    }
    assert_eq!(
        TrustList::decode_unverified(&signed_payload(&good, [0x71; 32]))
            .map(|l| l.issuers.len())
            .ok(),
        Some(1),
        "decoding alone does not look at who signed"
    );
}

/// A license version with a status index: every state of its issuer's list is its verdict;
/// an index beyond the list is in force when the version is newer than the list, else an
/// unknown status as of the list; licenses without an index
/// are still revoked by number.
#[test]
fn status_by_index_gives_every_state() {
    let trust = list();
    let mut claims = sample("310115");
    claims.version = 2;
    claims.status_index = Some(3);
    let text = issue(&claims, &pudong());
    assert_eq!(signer::decode_unverified(&text).ok(), Some(claims.clone()));
    let day = |d: i64| (NOW / DAY - d) * DAY;
    let with = |state: Option<Status>| {
        let mut lists = statuses(&[&claims.license_number]);
        lists[0].entries = vec![Status::Valid; 3];
        lists[0].entries.extend(state);
        lists
    };
    // By number only for licenses without an index: this one has one.
    assert_eq!(
        code(&text, &trust, &with(Some(Status::Valid)), NOW),
        "valid"
    );
    for (state, want) in [
        (
            Status::Superseded { on: day(2) },
            Reason::Superseded {
                by_version: 3,
                on: day(2),
            },
        ),
        (
            Status::Suspended {
                since: day(5),
                until: day(1),
            },
            Reason::Suspended { until: day(1) },
        ),
        (
            Status::Revoked { on: day(4) },
            Reason::Revoked { on: Some(day(4)) },
        ),
        (
            Status::Cancelled { on: day(3) },
            Reason::Cancelled { on: day(3) },
        ),
    ] {
        let lists = with(Some(state));
        let v = verdict(&text, &trust, &lists, NOW);
        assert_eq!(v.reason.as_ref(), Some(&want), "{state:?}");
        assert_eq!(v.claims.as_ref(), Some(&claims));
        // Before the validity window and the list's freshness, like a revocation.
        assert_eq!(code(&text, &trust, &lists, common::UNTIL), want.code());
        assert_eq!(code(&text, &trust, &lists, NOW + 30 * DAY), want.code());
    }
    // A suspension whose end has passed still holds (the authority reinstates explicitly).
    let ended = Status::Suspended {
        since: day(9),
        until: day(5),
    };
    let v = verdict(&text, &trust, &with(Some(ended)), NOW);
    assert_eq!(v.code(), "suspended");
    let message = v.reason.map(|r| r.message()).unwrap_or_default();
    assert!(
        message.contains("suspended until 2026-04-27 (the authority has not yet reinstated it)"),
        "{message}"
    );
    // The version was issued after the list (its index is beyond it): nothing was known
    // against it then, so it is in force while the list is fresh.
    let mut short = with(None);
    short[0].issued_at = claims.issued_at - 3_600;
    assert_eq!(code(&text, &trust, &short, NOW), "valid");
    // The version was issued before the list, which does not state it: unknown since the
    // list, after the validity window.
    short[0].issued_at = claims.issued_at + 3_600;
    assert_eq!(
        verdict(&text, &trust, &short, NOW).reason,
        Some(Reason::StatusUnknown {
            since: Some(claims.issued_at + 3_600)
        })
    );
    assert_eq!(code(&text, &trust, &short, common::UNTIL), "expired");
    // The old license (no index) in the same list: revoked by number, with no date.
    let old = issue(&sample("310115"), &pudong());
    let v = verdict(&old, &trust, &short, NOW);
    assert_eq!(v.reason, Some(Reason::Revoked { on: None }));
}

#[test]
fn lifecycle_reasons_have_codes_and_messages() {
    for (reason, code, words) in [
        (
            Reason::Superseded {
                by_version: 3,
                on: common::ISSUED,
            },
            "superseded",
            "superseded by version 3 on 2026-05-01",
        ),
        (
            Reason::Suspended {
                until: common::ISSUED,
            },
            "suspended",
            "suspended until 2026-05-01",
        ),
        (
            Reason::Cancelled { on: common::ISSUED },
            "cancelled",
            "cancelled at its holder's request on 2026-05-01",
        ),
        (
            Reason::Revoked {
                on: Some(common::ISSUED),
            },
            "revoked",
            "revoked on 2026-05-01",
        ),
        (Reason::Revoked { on: None }, "revoked", "has been revoked"),
    ] {
        assert_eq!(reason.code(), code);
        assert!(reason.message().contains(words), "{}", reason.message());
        assert_eq!(
            serde_json::to_string(&reason).unwrap_or_default(),
            format!("\"{code}\"")
        );
    }
}
