//! Round trips, test vectors, the byte layout, decode failures and verdicts.

mod common;

use sha2::{Digest, Sha256};
use signer::{
    Address, Error, KeySet, LicenseClaims, Malformed, PermitClaim, PublicKeyEntry, SigningKey,
    Status, StatusList,
};

const NOW: i64 = common::ISSUED + 86_400;

fn keys_for(key: &SigningKey) -> KeySet {
    KeySet::from_entries(vec![
        key.public_entry(Some("上海市浦东新区市场监督管理局".into()), 0),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn hex(s: &str) -> Vec<u8> {
    let clean: String = s.split_whitespace().collect();
    hex::decode(clean).unwrap_or_default()
}

#[test]
fn round_trip_of_every_sample() {
    for (label, claims) in common::samples() {
        let key = common::key_for(&claims.issuer);
        let text = signer::issue(&claims, &key).unwrap_or_default();
        let v = signer::verify(&text, &keys_for(&key), None, NOW);
        assert_eq!(v.code(), "valid", "{label}");
        assert_eq!(v.claims.as_ref(), Some(&claims), "{label}");
        assert_eq!(
            v.issuer_name.as_deref(),
            Some("上海市浦东新区市场监督管理局")
        );
        assert_eq!(signer::decode_unverified(&text).as_ref(), Ok(&claims));
    }
}

#[test]
fn round_trip_of_unusual_claims() {
    let key = common::key();
    let mut claims = common::samples().remove(0).1;
    claims.issuer = "310115".into();
    claims.license_number = "沪浦市监〔2026〕1号".into(); // verbatim: iss kept explicitly
    claims.valid_from = claims.issued_at + 3600; // nbf kept
    claims.address.division = 310_104; // division kept
    claims.credit_code = "not a credit code".into(); // verbatim
    claims.business_name = "Family Mart 😀".into();
    claims.permits.push(PermitClaim {
        kind: 65_535,
        number: "JY13101150012345".into(),
        valid_until: Some(-5),
        scope: Some(String::new()),
    });
    // Without a fixed term: a bare kind, a derived number with a scope, a verbatim number.
    for (kind, number, scope) in [
        (116, None, None),
        (114, None, Some("营业前检查")),
        (105, Some("沪浦药监械经营备20260001号"), None),
    ] {
        claims.permits.push(PermitClaim {
            kind,
            number: number.map_or_else(
                || signer::derived_permit_number(&claims.license_number, kind),
                str::to_owned,
            ),
            valid_until: None,
            scope: scope.map(str::to_owned),
        });
    }
    let text = signer::issue(&claims, &key).unwrap_or_default();
    let v = signer::verify(&text, &keys_for(&key), None, claims.valid_from);
    assert_eq!(v.code(), "valid");
    assert_eq!(v.claims, Some(claims));
}

/// RFC 8032 section 7.1, TEST 1–3: secret key, public key, message, signature.
#[test]
fn rfc8032_test_vectors() {
    use ed25519_dalek::{Signature, Signer};
    let vectors = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        ),
    ];
    for (secret, public, message, signature) in vectors {
        let seed: [u8; 32] = hex(secret).try_into().unwrap_or([0; 32]);
        let ours = SigningKey::from_seed(&seed, "test");
        assert_eq!(ours.public_key().to_vec(), hex(public));
        let dalek = ed25519_dalek::SigningKey::from_bytes(&seed);
        let sig = dalek.sign(&hex(message));
        assert_eq!(sig.to_bytes().to_vec(), hex(signature));
        let parsed = Signature::from_slice(&hex(signature)).unwrap_or(sig);
        assert!(
            dalek
                .verifying_key()
                .verify_strict(&hex(message), &parsed)
                .is_ok()
        );
        // A key set entry of the vector's public key is accepted.
        let entry = ours.public_entry(None, 0);
        assert_eq!(entry.public_key, public);
        assert!(KeySet::from_entries(vec![entry]).is_ok());
    }
}

fn fixed_claims() -> LicenseClaims {
    LicenseClaims {
        issuer: "310115".into(),
        license_number: "310115-2026-000001".into(),
        issued_at: common::ISSUED,
        valid_from: common::ISSUED,
        valid_until: common::UNTIL,
        industry: 101,
        permits: vec![
            PermitClaim {
                kind: 1,
                number: "310115-2026-000001-01".into(),
                valid_until: Some(common::UNTIL),
                scope: None,
            },
            PermitClaim {
                kind: 2,
                number: "310115-2026-000001-02".into(),
                valid_until: Some(common::UNTIL),
                scope: Some("酒类零售".into()),
            },
        ],
        business_name: "一叶便利店".into(),
        credit_code: common::credit("91310115MA1H7GK2X"),
        address: Address {
            division: 310_115,
            detail: "张江路1号".into(),
        },
        legal_representative: "王芳".into(),
        version: 1,
        status_index: None,
    }
}

/// The complete credential for fixed claims and the fixed seed, byte by byte.
const FIXED_COSE: &str = "
    d2                              # tag 18: COSE_Sign1
    84                              # array(4)
    49                              # bstr(9): protected header
       a2 01 27 04 44 24a56664      #   {1 alg: -8 EdDSA, 4 kid: h'24a56664'}
    a0                              # unprotected header: {}
    58 4d                           # bstr(77): payload, the CWT claims
       a9                           #   map(9)
       04 1a 735c9180               #   4 exp: 1935446400 (2031-05-01)
       06 1a 69f3ed00               #   6 iat: 1777593600 (2026-05-01); nbf = iat, omitted
       07 47 0b047b38e77a81         #   7 cti: 310115-2026-000001 packed; iss = 310115 implied
       20 18 65                     #   -1 industry: 101
       21 48 db1dac1bb75533a0       #   -2 name: 一叶便利店, 5 x 12-bit codes + 4 zero bits
       22 4b 056fcba8d8e6f293bbedc5 #   -3 credit code 91310115MA1H7GK2XF, 17 base-31 digits
                                    #   -4 division omitted: equals issuer 310115
       24 48 ed55ed7cd0114eb0       #   -5 address: 张江路1号
       25 43 c153c8                 #   -6 legal representative: 王芳
       26 82                        #   -7 permits: array(2)
          01                        #     kind 1, derived number, license validity
          a2 01 02 04 46 66473a79bae1 #   {1 kind: 2, 4 scope: 酒类零售}
    58 40                           # bstr(64): Ed25519 signature over Sig_structure
       8d3d0640e6791c1f7e495d6e42028bf06f68f50690f1935e261b83a1075e8813
       ff0b8c5e18d8e0fc41b14d5cc40a7b4382eb0ab4e5edcaa06b753516f19f5302
";

fn strip_comments(table: &str) -> String {
    table
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect()
}

#[test]
fn fixed_credential_hex_table() {
    let text = signer::issue(&fixed_claims(), &common::key()).unwrap_or_default();
    let want = hex(&strip_comments(FIXED_COSE));
    assert_eq!(
        hex::encode(signer::to_cose(&text).unwrap_or_default()),
        hex::encode(&want)
    );
    assert_eq!(
        text,
        signer::from_cose(&want),
        "uncompressed: deflate would be longer"
    );
    assert_eq!(text.len(), 4 + want.len().div_ceil(2) * 3 - want.len() % 2);
}

/// Inputs that must fail, with the reason code.
#[test]
fn decode_failure_table() {
    let key = common::key();
    let keys = keys_for(&key);
    let good = signer::issue(&fixed_claims(), &key).unwrap_or_default();
    let good_cose = signer::to_cose(&good).unwrap_or_default();
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good_cose.clone();
        f(&mut b);
        signer::from_cose(&b)
    };
    // Replaces `old` (found once) with `new` inside the COSE bytes.
    let patch = |old: &str, new: &str| {
        let (old, new) = (hex(old), hex(new));
        with(&|b: &mut Vec<u8>| {
            if let Some(i) = b.windows(old.len()).position(|w| w == old.as_slice()) {
                b.splice(i..i + old.len(), new.iter().copied());
            }
        })
    };
    let bomb = {
        let zeros = vec![0u8; 1 << 20];
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 10);
        format!("YY1:{}", base45_of(&z))
    };
    let trailing_zlib = {
        let mut z = miniz_oxide::deflate::compress_to_vec_zlib(&good_cose, 10);
        z.push(0);
        format!("YY1:{}", base45_of(&z))
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "malformed_prefix"),
        ("other scheme", "HC1:6BFOXN".into(), "malformed_prefix"),
        ("lower-case prefix", good.to_lowercase(), "malformed_prefix"),
        (
            "future version",
            good.replacen("YY1:", "YY2:", 1),
            "malformed_version",
        ),
        (
            "device message prefix",
            good.replacen("YY1:", "YYH1:", 1),
            "malformed_prefix",
        ),
        (
            "oversize",
            format!("YY1:{}", "0".repeat(5000)),
            "malformed_oversize",
        ),
        (
            "lower-case base45",
            good.replacen("YY1:RRQ", "YY1:rRQ", 1),
            "malformed_base45",
        ),
        ("dangling character", format!("{good}0"), "malformed_base45"),
        (
            "triple over 65535",
            format!("{good}:::"),
            "malformed_base45",
        ),
        ("newline", format!("{good}\n"), "malformed_base45"),
        ("trailing CBOR byte", with(&|b| b.push(0)), "malformed_cbor"),
        (
            "untagged",
            with(&|b| {
                b.remove(0);
            }),
            "malformed_structure",
        ),
        (
            "tag 17 (COSE_Mac0)",
            with(&|b| b[0] = 0xd1),
            "malformed_structure",
        ),
        ("indefinite array", patch("d284", "d29f"), "malformed_cbor"),
        (
            "non-shortest length",
            patch("584d", "59004d"),
            "malformed_cbor",
        ),
        (
            "alg ES256",
            patch("a2012704", "a2012604"),
            "malformed_structure",
        ),
        (
            "unprotected kid",
            patch("a0584d", "a104a0584d"),
            "malformed_structure",
        ),
        (
            "duplicate claim",
            patch("584da9041a", "584faa0400041a"),
            "malformed_cbor",
        ),
        (
            "claims out of order",
            patch("041a735c9180061a69f3ed00", "061a69f3ed00041a735c9180"),
            "malformed_cbor",
        ),
        (
            "signature 63 bytes",
            patch("5840", "583f"),
            "malformed_structure",
        ),
        ("zlib bomb", bomb, "malformed_oversize"),
        (
            "bytes after zlib stream",
            trailing_zlib,
            "malformed_compression",
        ),
        (
            "truncated zlib",
            format!("YY1:{}", base45_of(&[0x78, 0xda, 0x01])),
            "malformed_compression",
        ),
    ];
    for (label, text, code) in cases {
        let v = signer::verify(&text, &keys, None, NOW);
        assert_eq!(v.code(), code, "{label}");
    }
    // The open-ended mask (claim -8) accepts only what the issuer writes.
    let mut open = fixed_claims();
    open.permits[0].valid_until = None;
    let open_cose =
        signer::to_cose(&signer::issue(&open, &key).unwrap_or_default()).unwrap_or_default();
    let patch_open = |old: &str, new: &str| {
        let (old, new) = (hex(old), hex(new));
        let mut b = open_cose.clone();
        if let Some(i) = b.windows(old.len()).position(|w| w == old.as_slice()) {
            b.splice(i..i + old.len(), new.iter().copied());
        }
        // The payload's bstr(79) length follows what was inserted, so only the patch is wrong.
        if let Some(i) = b.windows(3).position(|w| w == [0x58, 0x4f, 0xaa]) {
            b[i + 1] += u8::try_from(new.len() - old.len()).unwrap_or(0);
        }
        signer::from_cose(&b)
    };
    for (label, text, code) in [
        (
            "empty open-ended mask",
            patch_open("27015840", "27005840"),
            "malformed_structure",
        ),
        (
            "mask names a third permit",
            patch_open("27015840", "27045840"),
            "malformed_structure",
        ),
        (
            "mask as a negative integer",
            patch_open("27015840", "27205840"),
            "malformed_structure",
        ),
        (
            "mask not shortest",
            patch_open("27015840", "2718015840"),
            "malformed_cbor",
        ),
    ] {
        assert_eq!(
            signer::verify(&text, &keys, None, NOW).code(),
            code,
            "{label}"
        );
    }
}

/// base45 through the public API: `from_cose` is prefix + base45.
fn base45_of(bytes: &[u8]) -> String {
    signer::from_cose(bytes)
        .trim_start_matches("YY1:")
        .to_owned()
}

#[test]
fn compression_is_used_only_when_shorter() {
    // Measurement: zlib never shrinks a real license (12-bit text and packed codes leave
    // little redundancy, and the header, trailer and signature do not compress).
    for (label, claims) in common::samples() {
        let key = common::key_for(&claims.issuer);
        let text = signer::issue(&claims, &key).unwrap_or_default();
        let cose = signer::to_cose(&text).unwrap_or_default();
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&cose, 10);
        assert!(
            z.len() >= cose.len(),
            "{label}: zlib {} < raw {}",
            z.len(),
            cose.len()
        );
        assert_eq!(
            text,
            signer::from_cose(&cose),
            "{label} is stored uncompressed"
        );
    }
    // A repetitive scope does compress, and such a credential verifies.
    let key = common::key();
    let mut claims = fixed_claims();
    claims.permits[0].scope = Some("ABCDEFGH".repeat(40));
    let text = signer::issue(&claims, &key).unwrap_or_default();
    let cose = signer::to_cose(&text).unwrap_or_default();
    assert!(
        text.len() < signer::from_cose(&cose).len(),
        "compressed form chosen"
    );
    assert!(signer::verify(&text, &keys_for(&key), None, NOW).is_valid());
}

#[test]
fn validity_verdicts() {
    let key = common::key();
    let keys = keys_for(&key);
    let claims = fixed_claims();
    let text = signer::issue(&claims, &key).unwrap_or_default();
    let code = |keys: &KeySet, rl: Option<&StatusList>, now: i64| {
        signer::verify(&text, keys, rl, now).code()
    };
    assert_eq!(code(&keys, None, common::ISSUED), "valid");
    assert_eq!(code(&keys, None, common::ISSUED - 1), "not_yet_valid");
    assert_eq!(code(&keys, None, common::UNTIL - 1), "valid");
    assert_eq!(code(&keys, None, common::UNTIL), "expired");

    let revoked = StatusList {
        issuer: "310115".into(),
        issued_at: NOW,
        expires_at: NOW + 7 * 86_400,
        entries: vec![Status::Valid],
        by_number: vec!["310115-2026-000009".into(), claims.license_number.clone()],
    };
    assert_eq!(code(&keys, Some(&revoked), NOW), "revoked");
    let other_issuer = StatusList {
        issuer: "320114".into(),
        ..revoked.clone()
    };
    assert_eq!(code(&keys, Some(&other_issuer), NOW), "valid");

    let stranger = SigningKey::from_seed(&[7; 32], "310115");
    assert_eq!(code(&keys_for(&stranger), None, NOW), "unknown_key");
    // A kid that names a key the signer does not hold: the signature decides.
    let kid_header = |kid: &str| [&[0x04, 0x44][..], &hex(kid)].concat();
    let cose = signer::to_cose(&text).unwrap_or_default();
    let at = cose
        .windows(6)
        .position(|w| w == kid_header(key.kid()))
        .unwrap_or_else(|| panic!("no kid in {}", hex::encode(&cose)));
    let mut relabelled = cose.clone();
    relabelled.splice(at..at + 6, kid_header(stranger.kid()));
    assert_eq!(
        signer::verify(
            &signer::from_cose(&relabelled),
            &keys_for(&stranger),
            None,
            NOW
        )
        .code(),
        "signature_invalid"
    );

    let edited = |edit: fn(&mut PublicKeyEntry)| {
        let mut entry = key.public_entry(None, 0);
        edit(&mut entry);
        KeySet::from_entries(vec![entry]).unwrap_or_else(|e| panic!("{e}"))
    };
    let late = edited(|e| e.not_before = common::ISSUED + 1);
    assert_eq!(code(&late, None, NOW), "key_not_valid_at_issue");
    let retired = edited(|e| e.not_after = Some(common::ISSUED - 1));
    assert_eq!(code(&retired, None, NOW), "key_not_valid_at_issue");

    let wrong_issuer = edited(|e| e.issuer = "320114".into());
    assert_eq!(code(&wrong_issuer, None, NOW), "issuer_mismatch");
}

#[test]
fn rotated_key_keeps_old_licenses_valid() {
    let old = common::key();
    let new = SigningKey::from_seed(&[0x42; 32], "310115");
    let rotation = common::ISSUED + 100;
    let mut old_entry = old.public_entry(None, 0);
    old_entry.not_after = Some(rotation);
    let keys = KeySet::from_entries(vec![old_entry, new.public_entry(None, rotation)])
        .unwrap_or_else(|e| panic!("{e}"));
    let old_text = signer::issue(&fixed_claims(), &old).unwrap_or_default();
    let mut later = fixed_claims();
    later.issued_at = rotation + 1;
    later.valid_from = rotation + 1;
    let new_text = signer::issue(&later, &new).unwrap_or_default();
    let forged_late = signer::issue(&later, &old).unwrap_or_default();
    assert_eq!(signer::verify(&old_text, &keys, None, NOW).code(), "valid");
    assert_eq!(signer::verify(&new_text, &keys, None, NOW).code(), "valid");
    assert_eq!(
        signer::verify(&forged_late, &keys, None, NOW).code(),
        "key_not_valid_at_issue"
    );
}

#[test]
fn status_list_is_signed() {
    let key = common::key();
    let keys = keys_for(&key);
    let day = |d: i64| (NOW / 86_400 - d) * 86_400;
    let list = StatusList {
        issuer: "310115".into(),
        issued_at: NOW,
        expires_at: NOW + 7 * 86_400,
        entries: vec![
            Status::Valid,
            Status::Superseded { on: day(3) },
            Status::Revoked { on: day(2) },
        ],
        by_number: vec!["310115-2026-000001".into(), "沪浦〔2026〕7号".into()],
    };
    let signed = list.sign(&key).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&signed).unwrap_or_default();
    // Tag 18 (0xd2, then 0x84: an array of 4) in base64url.
    assert!(json.starts_with("{\"cose\":\"0o"), "{json}");
    let back: signer::SignedStatusList = serde_json::from_str(&json).unwrap_or(signed.clone());
    assert_eq!(StatusList::verify(&back, &keys).ok(), Some(list.clone()));

    let mut tampered = signed.clone();
    let last = tampered
        .cose
        .pop()
        .map_or('0', |c| if c == '0' { '1' } else { '0' });
    tampered.cose.push(last);
    assert!(matches!(
        StatusList::verify(&tampered, &keys),
        Err(Error::SignatureInvalid)
    ));
    let other = SigningKey::from_seed(&[9; 32], "310115");
    assert!(matches!(
        StatusList::verify(&signed, &keys_for(&other)),
        Err(Error::UnknownKey { .. })
    ));
    let wrong_issuer = SigningKey::from_seed(&[9; 32], "320114");
    assert!(list.sign(&wrong_issuer).is_err());
}

#[test]
fn device_messages() {
    let device = SigningKey::generate("device-7f3a").unwrap_or_else(|e| panic!("{e}"));
    let keys =
        KeySet::from_entries(vec![device.public_entry(None, 0)]).unwrap_or_else(|e| panic!("{e}"));
    let payload = r#"{"id":"0b8f","fields":{"name":"一叶便利店"}}"#.as_bytes();
    let text = signer::sign_message(payload, &device).unwrap_or_default();
    assert!(text.starts_with(signer::MESSAGE_PREFIX));
    let msg = signer::verify_message(&text, &keys).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(msg.payload, payload);
    assert_eq!(msg.issuer, "device-7f3a");
    // A license prefix is not a message and vice versa.
    let license = signer::issue(&fixed_claims(), &common::key()).unwrap_or_default();
    assert!(matches!(
        signer::verify_message(&license, &keys),
        Err(Error::Malformed(Malformed::Prefix(_)))
    ));
    assert_eq!(
        signer::verify(&text, &keys, None, NOW).code(),
        "malformed_prefix"
    );
}

/// A key the crate never holds (a browser's Web Crypto key) signs `to_be_signed`; the sealed
/// message is byte-for-byte what `sign_message` makes (Ed25519 is deterministic) and verifies
/// compressed at any zlib level, as a browser's CompressionStream makes it, or uncompressed.
#[test]
fn detached_device_signature() {
    use ed25519_dalek::Signer as _;
    let seed = [7u8; 32];
    let device = SigningKey::from_seed(&seed, "device-1");
    let outside = ed25519_dalek::SigningKey::from_bytes(&seed);
    let keys = keys_for(&device);
    let payload = r#"{"id":"0b8f","values":{"business_name":"一叶便利店"}}"#.as_bytes();

    let unsigned = signer::UnsignedMessage::new(payload, &device.public_key());
    // The browser's way: the public key hashed outside the crate (Web Crypto), same message.
    let digest: [u8; 32] = Sha256::digest(device.public_key()).into();
    assert_eq!(
        signer::UnsignedMessage::for_key_digest(payload, &digest),
        unsigned
    );
    let signature = outside.sign(unsigned.to_be_signed()).to_bytes();
    let cose = unsigned.seal(&signature);
    // sign_message keeps the zlib form only when it is shorter.
    let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&cose, 10);
    let best = if deflated.len() < cose.len() {
        deflated
    } else {
        cose.clone()
    };
    assert_eq!(
        signer::message_text(&best).ok(),
        signer::sign_message(payload, &device).ok()
    );
    for packed in [
        cose.clone(),
        miniz_oxide::deflate::compress_to_vec_zlib(&cose, 6),
    ] {
        let text = signer::message_text(&packed).unwrap_or_default();
        let message = signer::verify_message(&text, &keys).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(message.payload, payload);
        assert_eq!(message.issuer, "device-1");
    }

    // Signed by another key, or over other bytes: refused.
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
    let forged = unsigned.seal(&stranger.sign(unsigned.to_be_signed()).to_bytes());
    let replayed = unsigned.seal(&outside.sign(b"something else").to_bytes());
    for cose in [forged, replayed] {
        let text = signer::message_text(&cose).unwrap_or_default();
        assert!(matches!(
            signer::verify_message(&text, &keys),
            Err(Error::SignatureInvalid)
        ));
    }
    // Too long for a QR code: a clear error, not a text no one can scan.
    assert!(matches!(
        signer::message_text(&vec![0u8; 4000]),
        Err(Error::InvalidClaims(_))
    ));
}

#[test]
fn url_form_round_trip() {
    let text = signer::issue(&fixed_claims(), &common::key()).unwrap_or_default();
    let url = signer::url_form("https://yiye.example/i", &text).unwrap_or_default();
    assert!(url.starts_with("HTTPS://YIYE.EXAMPLE/I#YY1:"), "{url}");
    // Nothing a browser would percent-encode, and no lower case: alphanumeric QR mode but
    // for the '#'.
    let fragment = &url["HTTPS://YIYE.EXAMPLE/I#".len()..];
    assert!(
        fragment
            .bytes()
            .all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-./:".contains(&b)),
        "{fragment}"
    );
    assert_eq!(signer::parse_url_form(&url), text);
    assert_eq!(signer::parse_url_form(&text), text);
    // As the inspector gets it from location.hash.
    assert_eq!(signer::parse_url_form(&format!("#{fragment}")), text);
    assert_eq!(
        signer::verify(
            &signer::parse_url_form(&url),
            &keys_for(&common::key()),
            None,
            NOW
        )
        .code(),
        "valid"
    );
    // The base45 and the base43 of the same bytes are about as long.
    assert!(
        fragment.len() <= text.len() + 4,
        "{} vs {}",
        fragment.len(),
        text.len()
    );
}

#[test]
fn url_form_refuses_or_passes_on_what_it_cannot_read() {
    assert!(signer::url_form("https://x/i", "YY1:AB %20C").is_err());
    assert!(signer::url_form("https://x/i", "HELLO").is_err());
    // A fragment that is no URL form of this version is verified as it is, and fails there.
    for fragment in ["YY1:AB CD", "YY9:0123", "HELLO"] {
        let url = format!("HTTPS://X/I#{fragment}");
        assert_eq!(signer::parse_url_form(&url), fragment);
        assert!(
            !signer::verify(
                &signer::parse_url_form(&url),
                &keys_for(&common::key()),
                None,
                NOW
            )
            .is_valid()
        );
    }
}

#[test]
fn qr_rendering() {
    let text = signer::issue(&fixed_claims(), &common::key()).unwrap_or_default();
    let image = signer::render_svg(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(image.svg.starts_with("<?xml"));
    assert_eq!(signer::qr_version(&text).ok(), Some(image.version));
    assert!(signer::render_svg(&"A".repeat(5000)).is_err());
}

#[test]
fn signing_key_is_redacted() {
    let key = common::key();
    let debug = format!("{key:?}");
    assert!(debug.contains("<redacted>"));
    assert!(!debug.contains(&hex::encode(common::SEED)));
}

#[cfg(unix)]
#[test]
fn key_files_and_rotation() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("signer-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    let mut store = signer::KeyStore::create(&dir, "310115", Some("浦东".into()), 1000)
        .unwrap_or_else(|e| panic!("{e}"));
    let key_path = dir.join(signer::KeyStore::KEY_FILE);
    let mode = std::fs::metadata(&key_path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o600));
    let loaded = SigningKey::load(&key_path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.public_key(), store.signing_key().public_key());

    let first = store.signing_key().kid().to_owned();
    let old_key = SigningKey::load(&key_path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        store.rotate(2000, -1).is_err(),
        "a negative grace is refused"
    );
    store.rotate(2000, 60).unwrap_or_else(|e| panic!("{e}"));
    let reopened = signer::KeyStore::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(reopened.signing_key().kid(), first);
    let set = reopened.key_set();
    assert_eq!(set.entries().len(), 2);
    assert_eq!(set.entries()[0].not_after, Some(2060));
    assert_eq!(set.entries()[1].not_before, 2000);
    // A server that has not yet re-read the directory signs with the old key: within the
    // grace that license verifies; after it, the old key signs nothing valid.
    let signed_at = |iat: i64| {
        let mut claims = fixed_claims();
        claims.issued_at = iat;
        claims.valid_from = iat;
        let text = signer::issue(&claims, &old_key).unwrap_or_default();
        signer::verify(&text, set, None, iat).code()
    };
    assert_eq!(signed_at(2060), "valid");
    assert_eq!(signed_at(2061), "key_not_valid_at_issue");
    assert_eq!(set.entries()[1].issuer_name.as_deref(), Some("浦东"));

    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o644)).ok();
    let err = SigningKey::load(&key_path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("chmod 600"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_enrolled_public_key_gets_the_same_entry_as_its_private_key() {
    let device = signer::SigningKey::from_seed(&[7; 32], "device-7");
    let entry =
        signer::PublicKeyEntry::for_public_key(&hex::encode(device.public_key()), "device-7", 100)
            .expect("valid key");
    assert_eq!(entry, device.public_entry(None, 100));
    // Not hex, wrong length, the identity point (weak): refused with a reason.
    for bad in [
        "zz",
        "00",
        &"00".repeat(32),
        &format!("01{}", "00".repeat(31)),
    ] {
        assert!(
            signer::PublicKeyEntry::for_public_key(bad, "d", 0).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn a_key_set_keeps_its_json_and_refuses_unusable_keys_when_built() {
    let (old, new) = (common::key(), SigningKey::from_seed(&[0x42; 32], "310115"));
    // keyset.json and GET /api/keys exactly as written before key sets held parsed keys.
    let json = format!(
        r#"{{
  "keys": [
    {{
      "kid": "{}",
      "issuer": "310115",
      "issuer_name": "浦东",
      "public_key": "{}",
      "not_before": 1000,
      "not_after": 2060
    }},
    {{
      "kid": "{}",
      "issuer": "310115",
      "public_key": "{}",
      "not_before": 2000,
      "not_after": null
    }}
  ]
}}"#,
        old.kid(),
        hex::encode(old.public_key()),
        new.kid(),
        hex::encode(new.public_key()),
    );
    let set = KeySet::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.to_json(), json);
    assert_eq!(set.entries().len(), 2);
    let compact: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(serde_json::to_value(&set).ok(), Some(compact));

    let wrong_kid = json.replacen(old.kid(), new.kid(), 1);
    let not_hex = json.replacen(&hex::encode(old.public_key()), "zz", 1);
    let weak = json.replacen(
        &hex::encode(old.public_key()),
        &format!("01{}", "00".repeat(31)),
        1,
    );
    for (bad, why) in [
        (wrong_kid, "kid does not match the public key"),
        (not_hex, "public_key must be 64 hex digits"),
        (weak, "weak key"),
    ] {
        let err = KeySet::from_json(&bad).err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains(why)), "{err:?}");
        // Deserializing directly (as the inspector does) refuses it too.
        assert!(serde_json::from_str::<KeySet>(&bad).is_err(), "{why}");
    }

    let mut growing = KeySet::default();
    let mut stray = new.public_entry(None, 0);
    stray.kid = old.kid().to_owned();
    assert!(growing.push(stray).is_err());
    assert!(growing.entries().is_empty(), "a refused key is not added");
    assert!(growing.push(old.public_entry(None, 0)).is_ok());
    assert_eq!(growing.entries().len(), 1);
}

#[test]
fn a_long_hand_over_splits_into_parts_that_join_in_any_order() {
    let device = signer::SigningKey::from_seed(&[7; 32], "device-7");
    let payload: Vec<u8> = (0..1500u32).map(|i| (i * 7919 % 251) as u8).collect();
    let text = signer::sign_message(&payload, &device).expect("fits");
    let mut parts = signer::split_message(&text, 400);
    assert!(parts.len() > 1 && parts.iter().all(|p| p.len() <= 400 + 12));
    parts.reverse();
    assert_eq!(signer::join_message(&parts).expect("whole"), text);
    // A short message stays one text.
    assert_eq!(
        signer::split_message("YYH1:ABC", 400),
        vec!["YYH1:ABC".to_owned()]
    );
    // Missing, doubled or foreign parts are refused with a reason, never joined.
    let missing = &parts[1..];
    let doubled = [parts[0].clone(), parts[0].clone()];
    let foreign = [parts[0].clone(), "YYH1:ABC".to_owned()];
    for bad in [missing, &doubled[..], &foreign[..], &[][..]] {
        assert!(signer::join_message(bad).is_err());
    }
}

#[test]
fn validity_years_keep_the_calendar_date() {
    let after = |from: &str, years: i64| {
        let t = signer::parse_rfc3339(from).expect("time");
        signer::format_rfc3339(signer::add_years(t, years)).expect("in range")
    };
    assert_eq!(after("2028-02-29T10:00:00Z", 5), "2033-02-28T10:00:00Z");
    assert_eq!(after("2028-02-29T10:00:00Z", 4), "2032-02-29T10:00:00Z");
    assert_eq!(after("2026-11-22T00:00:00Z", 5), "2031-11-22T00:00:00Z");
    assert_eq!(signer::add_years(0, 10_000), i64::MAX);
}

/// The fixed claims with permit 1 without a fixed term: the payload differs from
/// [`FIXED_COSE`]'s by one claim.
const FIXED_OPEN_ENDED_PAYLOAD: &str = "
    aa                              # map(10)
    04 1a 735c9180                  # 4 exp
    06 1a 69f3ed00                  # 6 iat
    07 47 0b047b38e77a81            # 7 cti
    20 18 65                        # -1 industry
    21 48 db1dac1bb75533a0          # -2 name
    22 4b 056fcba8d8e6f293bbedc5    # -3 credit code
    24 48 ed55ed7cd0114eb0          # -5 address
    25 43 c153c8                    # -6 legal representative
    26 82                           # -7 permits: array(2)
       01                           #   kind 1: still bare, its end is in the mask
       a2 01 02 04 46 66473a79bae1  #   {1 kind: 2, 4 scope: 酒类零售}
    27 01                           # -8 open-ended: bit 0, the first permit has no fixed term
";

#[test]
fn open_ended_permit_hex_table() {
    let mut claims = fixed_claims();
    claims.permits[0].valid_until = None;
    let text = signer::issue(&claims, &common::key()).unwrap_or_default();
    let cose = signer::to_cose(&text).unwrap_or_default();
    let want = hex(&strip_comments(FIXED_OPEN_ENDED_PAYLOAD));
    // bstr(79) header, then the payload.
    let at = cose.windows(2).position(|w| w == [0x58, 0x4f]);
    let payload = at.and_then(|i| cose.get(i + 2..i + 2 + want.len()));
    assert_eq!(payload.map(hex::encode), Some(hex::encode(&want)));
    let v = signer::verify(&text, &keys_for(&common::key()), None, NOW);
    assert_eq!(v.code(), "valid");
    assert_eq!(v.claims, Some(claims));
}
