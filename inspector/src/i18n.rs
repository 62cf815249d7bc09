//! Interface language: zh-CN and English, remembered on the device under the same key as the
//! applicant app, so a person who switched there sees the same language here.

use bilingual::texts;
pub use bilingual::{InLang, Lang, Text};
use signer::{Malformed, Reason};

texts! {
    APP_NAME = "一业一证 · 核验", "Yiye — check a license";
    SCAN_HEADING = "扫描许可证二维码", "Scan the license QR code";
    SCAN_HINT = "把二维码放进方框内，保持稳定。", "Hold the QR code inside the square and keep still.";
    CAMERA_STARTING = "正在打开摄像头…", "Starting the camera…";
    CAMERA_REFUSED = "本页没有使用摄像头的权限。", "This page is not allowed to use the camera.";
    CAMERA_REFUSED_NEXT = "请点地址栏旁的锁形（或设置）图标，把“摄像头”设为“允许”，再点“重试摄像头”。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Tap the lock (or settings) icon beside the address, set Camera to Allow, then tap “Try the camera again”. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_MISSING = "这台设备上没有找到摄像头。", "No camera was found on this device.";
    CAMERA_MISSING_NEXT = "请接上摄像头后点“重试摄像头”，或换一台有摄像头的手机。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Connect a camera and tap “Try the camera again”, or use a phone with a camera. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_IN_USE = "摄像头正被其他应用使用。", "The camera is in use by another app.";
    CAMERA_IN_USE_NEXT = "请关闭正在用摄像头的应用（视频通话、相机等），再点“重试摄像头”。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Close the app that is using it (a video call, the camera app), then tap “Try the camera again”. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_INSECURE = "本页不是通过安全连接（https）打开的，浏览器不允许它使用摄像头。", "This page was not opened over a secure connection (https), so the browser does not let it use the camera.";
    CAMERA_INSECURE_NEXT = "请用 https:// 开头的地址打开本页。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Open this page at its https:// address. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_UNKNOWN = "摄像头无法启动。", "The camera could not be started.";
    CAMERA_UNKNOWN_NEXT = "请点“重试摄像头”或重新打开本页。也可以用下方的“从照片识别”，或粘贴二维码内容。", "Tap “Try the camera again” or reload this page. Or use “Read from a photo” or paste the code's text below.";
    CAMERA_RETRY = "重试摄像头", "Try the camera again";
    TORCH_ON = "打开手电筒", "Turn the torch on";
    TORCH_OFF = "关闭手电筒", "Turn the torch off";
    DECODER_NATIVE = "识别：浏览器内置", "Reader: the browser's own";
    DECODER_WASM = "识别：本应用", "Reader: built in";
    READER_FAILED = "无法加载二维码识别程序。", "The QR reader could not be loaded.";
    READER_FAILED_HINT = "请在下方粘贴二维码内容，或联网后重新打开本页。", "Paste the code's text below, or open this page again with a network connection.";
    MS_PER_FRAME = "毫秒/帧", "ms per frame";
    PHOTO = "从照片识别", "Read from a photo";
    PHOTO_FAILED = "照片中没有找到可读的二维码。请靠近些、避免反光后重拍。", "No readable QR code in the photo. Take it again closer and without glare.";
    PASTE_LABEL = "或粘贴二维码内容（YY1:… 或链接）", "Or paste the QR text (YY1:… or the link)";
    PASTE_CHECK = "核验", "Check";
    VALID = "有效", "Valid";
    VALID_HINT = "许可证真实、在有效期内，未被取代、暂扣、注销或撤销。", "Genuine and in force: not superseded, suspended, cancelled or revoked.";
    INVALID = "无效", "NOT valid";
    UNCONFIRMED = "真实，但状态未能确认", "Genuine — status NOT confirmed";
    // Each reason: what happened, then what the inspector should do.
    REASON_FORGED = "二维码被篡改或伪造：签名不符。", "Altered or forged: the signature does not match.";
    REASON_UNKNOWN_KEY = "签发密钥未知：签发机关在信任名单上，但名单里没有这个密钥。", "Signed by an unknown issuer key: the issuer is on the trust list, but this key is not.";
    REASON_UNKNOWN_ISSUER = "签发者不在信任名单上：不是本系统认可的发证机关。", "The issuer is not on the trust list: not an authority this system recognises.";
    REASON_KEY_WITHDRAWN = "签名密钥已被签发机关撤回（可能已泄露），用它签的任何许可证都不可信。", "Signed with a key its authority has withdrawn (possibly leaked): nothing it signed can be trusted.";
    REASON_ISSUER_MISMATCH = "签发机关与密钥不符：可能伪造。", "The issuer does not match the signing key: possibly forged.";
    REASON_KEY_NOT_VALID = "签发时该密钥不在有效期内。", "The signing key was not valid when this license was issued.";
    REASON_DIVISION = "签发机关无权为该经营场所所在地区发证。", "The issuer may not issue licenses for the area of these premises.";
    REASON_PERMIT = "签发机关无权签发其中的某项许可。", "The issuer may not issue one of the permits on this license.";
    REASON_EXPIRED = "许可证已过期。", "The license has expired.";
    REASON_NOT_YET_VALID = "许可证尚未生效。", "The license is not yet valid.";
    REASON_REVOKED = "许可证已被撤销。", "The license has been revoked.";
    // The reasons with a day: {date} is the authority's date, {n} a version number.
    REASON_REVOKED_ON = "许可证已于{date}被发证机关撤销。", "Revoked by the authority on {date}.";
    REASON_SUPERSEDED = "这是旧版：已于{date}被第{n}版取代。", "An old version: superseded by version {n} on {date}.";
    REASON_SUSPENDED = "许可证被暂扣至{date}（原因不在二维码中）。", "Suspended until {date} (the reason is not in the QR code).";
    REASON_SUSPENSION_PAST = "许可证被暂扣至{date}：该日期已过，但发证机关尚未恢复它（原因不在二维码中）。", "Suspended until {date}: that date has passed, but the authority has not reinstated it (the reason is not in the QR code).";
    REASON_CANCELLED = "许可证已由持证人于{date}申请注销。", "Cancelled by the holder on {date}.";
    REASON_NO_STATUS = "签名真实，但目前状态未知：本机没有该签发机关的状态名单。", "Signature valid — current status unknown: this device has no status list of its issuer.";
    REASON_STATUS_SINCE = "签名真实，但目前状态未知，最新状态名单签署于", "Signature valid — current status unknown since";
    REASON_STATUS_SINCE_END = "（该名单已过期）。", " (last list).";
    REASON_STATUS_PREDATES_END = "（该名单早于这一版许可证）。", " (last list, older than this version of the license).";
    REASON_TRUST_EXPIRED = "签名真实，但本机的信任名单已过期（签署于", "Signature valid — but this device's trust list has expired (signed";
    REASON_TRUST_EXPIRED_END = "）：签发机关及其密钥的变动无从得知。", "): changes to the issuers and their keys are unknown.";
    REASON_NO_ROOT = "本应用的这个版本没有内置信任根，无法核验任何许可证。", "This build of the app has no root of trust, so it cannot verify any license.";
    REASON_NO_TRUST_LIST = "本机还没有信任名单，无法核验。", "This device has no trust list yet, so nothing can be verified.";
    REASON_NOT_YIYE = "这不是一业一证许可证二维码。", "This is not a Yiye license QR code.";
    REASON_UNREADABLE = "二维码内容不完整或无法读取。", "The QR content is incomplete or unreadable.";
    REASON_BAD_CONTENT = "二维码能读出，但内容不符合许可证格式：可能伪造。", "The code reads, but its content is not a license's: possibly forged.";
    REASON_UPDATE_APP = "此许可证使用了本应用尚不认识的新内容。", "This license carries content from a newer version that this app does not know.";
    DO_REJECT = "不要凭它认定经营资格：请查看纸质证照，或联系发证机关核实。", "Do not accept it as a license: ask for the paper license or check with the issuing authority.";
    DO_REFRESH_THEN_REJECT = "请联网刷新后再扫一次；仍是这样就视为无效，并联系发证机关核实。", "Connect, refresh and scan again; if it stays so, treat it as not valid and check with the issuing authority.";
    DO_NEW_LICENSE = "视为无效：经营者须向发证机关换领许可证。", "Treat it as not valid: the business must get a new license from its authority.";
    DO_NOT_TRADE = "它不允许经营：按无证经营的程序处理。", "It does not permit trading: proceed as for an unlicensed business.";
    DO_ASK_CURRENT = "请对方出示现行许可证（第{n}版）；旧版不能凭以经营。", "Ask for the current license (version {n}); the old one does not permit trading.";
    DO_WAIT_REINSTATED = "暂扣期间不得经营，直至发证机关恢复。", "No trading until the authority reinstates it.";
    DO_REFRESH_REINSTATED = "恢复之前不得经营：请联网刷新后再扫一次（恢复会在同步后显示），仍是这样请联系发证机关。", "No trading until reinstated: connect, refresh and scan again (a reinstatement shows after a sync); if it stays so, check with the authority.";
    DO_CONFIRM = "请联网刷新后再扫一次以确认；无法联网时，记为“真实、状态未确认”，不要当作有效。", "Connect, refresh and scan again to confirm; if you cannot, record it as genuine with its status unconfirmed, not as valid.";
    DO_OTHER_APP = "请使用主管部门发布的核验应用，并告知系统管理员。", "Use the inspection app your authority publishes, and tell its administrator.";
    DO_GO_ONLINE = "请联网打开一次本页面，然后再扫。", "Open this page once with a network connection, then scan again.";
    DO_ASK_FOR_CODE = "请对方出示一业一证许可证上的二维码。", "Ask for the QR code on the Yiye license.";
    DO_SCAN_AGAIN = "请重新扫描（靠近些、避免反光）；仍不行请查看纸质证照。", "Scan again (closer, without glare); if it still fails, ask for the paper license.";
    DO_UPDATE_APP = "请联网刷新本页以更新应用，再扫一次。", "Connect and reload this page to update the app, then scan again.";
    ISSUED_BY_LISTED = "签发机关（据信任名单）", "Issuing authority (from the trust list)";
    STATUS_AS_OF = "状态截至", "Status as of";
    STATUS_SIGNED_BY = "状态名单签署者", "list signed by";
    CHECKED_ON_DEVICE = "用本机数据核验（名单日期", "Checked with data on this device (list of";
    CHECKED_ONLINE = "刚刚联网核验。", "Checked online just now.";
    WAITING = "本机还没有信任名单：正在联网获取，获取后立即核验这张许可证…", "This device has no trust list yet: getting it from the network, then this license is checked…";
    SCAN_AGAIN = "继续扫描", "Scan another";
    LICENSE_NUMBER = "许可证编号", "License number";
    BUSINESS_NAME = "名称", "Business name";
    CREDIT_CODE = "统一社会信用代码", "Unified social credit code";
    ADDRESS = "经营场所", "Business premises";
    LEGAL_REP = "法定代表人", "Legal representative";
    VERSION = "版本", "Version";
    VERSION_N = "第{n}版", "version {n}";
    INDUSTRY = "行业", "Industry";
    ISSUER = "发证机关", "Issued by";
    VALIDITY = "有效期", "Valid";
    PERMITS = "包含的许可", "Permits covered";
    PERMIT_NUMBER = "编号", "Number";
    DEPARTMENT = "部门", "Department";
    SCOPE = "范围", "Scope";
    UNKNOWN_PERMIT = "未知许可（本应用版本过旧）", "Unknown permit (this app is out of date)";
    NOT_TRUSTED = "以下内容未经验证，不可信", "The content below is NOT verified and must not be trusted";
    NOT_IN_FORCE = "以下是这张许可证的内容：它确由签发机关签发，但现在无效，不能凭它经营", "What this license says: it was genuinely issued, but it is NOT in force and does not permit trading";
    CONTENT_UNCONFIRMED = "以下是这张许可证的内容：它确由签发机关签发，但目前是否仍然有效（未被撤销）无法确认", "What this license says: it was genuinely issued, but whether it is still in force (not revoked) cannot be confirmed now";
    IN_FORCE = "许可证内容", "What the license says";
    TRUST_HEADING = "信任名单", "Trust list";
    TRUST_LIST_SIGNED = "信任名单签署者", "Trust list signed by";
    AT = "，签署于", ", on";
    VALID_UNTIL = "有效至", "valid until";
    NEVER = "从未（需联网）", "never (needs a network)";
    STATUS_LISTS_HEADING = "各签发机关的状态名单", "Each issuer's status list";
    STATUS_LIST_SIGNED = "签署于", "signed";
    NO_ROOT = "本应用版本没有内置信任根：无法核验任何许可证。请使用主管部门发布的核验应用。", "This build has no root of trust: it cannot verify any license. Use the inspection app your authority publishes.";
    TRUST_EXPIRED = "信任名单已过期：请联网刷新。过期期间的核验结果只能是“状态未确认”。", "The trust list has expired: connect to refresh it. Until then no license can be confirmed.";
    STATUS_EXPIRED = "已过期：请联网刷新", "expired: connect to refresh";
    TRUST_REFUSED = "服务器发来的信任名单被拒绝", "The trust list from the server was refused";
    TRUST_REFUSED_KEPT = "：继续使用本机签署于", ": the list signed";
    TRUST_REFUSED_KEPT_END = "的名单。", " stays in use.";
    TRUST_REFUSED_NONE = "：本机没有可用的信任名单。", ": this device has no trust list in use.";
    STATUS_REFUSED = "状态名单被拒绝", "status list refused";
    STATUS_REFUSED_KEPT = "，继续使用本机已有的名单。", "; the one on this device stays in use.";
    STATUS_REFUSED_NONE = "，本机没有它的名单：其许可证的状态无法确认。", "; this device has none, so the status of its licenses cannot be confirmed.";
    WHY_UNREACHABLE = "无法获取", "it could not be fetched";
    WHY_UNKNOWN_ROOT = "不是由本应用认可的信任根签署的", "it is not signed by a root of trust this app knows";
    WHY_INVALID = "签名或内容核对不上", "its signature or content does not check out";
    WHY_OLDER = "比本机已有的更旧", "it is older than the one on this device";
    WHY_WRONG_ISSUER = "是另一个签发机关的名单", "it is another issuer's list";
    REFRESH = "刷新", "Refresh";
    REFRESHING = "正在刷新…", "Refreshing…";
    REFRESH_FAILED = "刷新失败（离线？），使用本机已有的名单。", "Refresh failed (offline?); using what this device has.";
    HISTORY = "核验记录", "Check history";
    HISTORY_EMPTY = "本机还没有核验记录。", "No checks on this device yet.";
    HISTORY_CLEAR = "清除记录", "Clear history";
    HISTORY_NOTE = "记录只保存在本机上。", "The history is kept on this device only.";
    UNREADABLE_ENTRY = "（无法读取）", "(unreadable)";
    UNVERIFIED_ENTRY = "（内容未经验证，不显示）", "(its content was not verified, so it is not shown)";
    SHORT_FORGED = "伪造或被篡改", "Forged or altered";
    SHORT_UNKNOWN_KEY = "签发者未知", "Unknown issuer";
    SHORT_UNKNOWN_ISSUER = "签发者不在信任名单上", "Issuer not on the trust list";
    SHORT_KEY_WITHDRAWN = "签名密钥已撤回", "Signing key withdrawn";
    SHORT_ISSUER_MISMATCH = "签发机关不符，可能伪造", "Wrong issuer, possibly forged";
    SHORT_KEY_NOT_VALID = "签发密钥当时无效", "Signing key not valid then";
    SHORT_DIVISION = "签发机关无权在该地区发证", "Issuer not allowed for the area";
    SHORT_PERMIT = "签发机关无权签发其中的许可", "Issuer not allowed for a permit";
    SHORT_STATUS_UNKNOWN = "真实，状态未确认", "Genuine, status unconfirmed";
    SHORT_TRUST_EXPIRED = "真实，信任名单已过期", "Genuine, trust list expired";
    SHORT_NO_ROOT = "无信任根，未核验", "No root of trust, not checked";
    SHORT_NO_TRUST_LIST = "本机无信任名单，未核验", "No trust list, not checked";
    SHORT_BAD_CONTENT = "内容不是许可证，可能伪造", "Not a license's content, possibly forged";
    SHORT_EXPIRED = "已过期", "Expired";
    SHORT_NOT_YET_VALID = "尚未生效", "Not yet in force";
    SHORT_REVOKED = "已撤销", "Revoked";
    SHORT_SUPERSEDED = "旧版，已被新版取代", "Old version, superseded";
    SHORT_SUSPENDED = "暂扣中", "Suspended";
    SHORT_CANCELLED = "已注销", "Cancelled by the holder";
    SHORT_NOT_YIYE = "不是一业一证二维码", "Not a Yiye license code";
    SHORT_UPDATE_APP = "需要更新本应用", "This app needs updating";
    SHORT_UNREADABLE = "无法读取", "Unreadable";
    // A permit without an end date (a filing, a one-off approval), worded as Chinese
    // certificates print it (see the applicant's i18n.rs).
    NO_FIXED_TERM = "长期有效", "No fixed term";
}

/// The colon and the semicolon as each language writes them.
pub fn punctuation(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Zh => ("：", "；"),
        Lang::En => (": ", "; "),
    }
}

/// A verdict in a few plain words, from its stable code (`"valid"` or a reason's code): what
/// the history shows, for entries of every version, since the history stores codes.
pub fn verdict_label(code: &str) -> Text {
    match code {
        "valid" => VALID,
        "signature_invalid" => SHORT_FORGED,
        "unknown_key" => SHORT_UNKNOWN_KEY,
        "unknown_issuer" => SHORT_UNKNOWN_ISSUER,
        "key_withdrawn" => SHORT_KEY_WITHDRAWN,
        "issuer_mismatch" => SHORT_ISSUER_MISMATCH,
        "key_not_valid_at_issue" => SHORT_KEY_NOT_VALID,
        "division_not_allowed" => SHORT_DIVISION,
        "permit_not_allowed" => SHORT_PERMIT,
        "expired" => SHORT_EXPIRED,
        "not_yet_valid" => SHORT_NOT_YET_VALID,
        "revoked" => SHORT_REVOKED,
        "superseded" => SHORT_SUPERSEDED,
        "suspended" => SHORT_SUSPENDED,
        "cancelled" => SHORT_CANCELLED,
        "status_unknown" => SHORT_STATUS_UNKNOWN,
        "trust_list_expired" => SHORT_TRUST_EXPIRED,
        "trust_list_invalid" => SHORT_NO_ROOT,
        "no_trust_list" => SHORT_NO_TRUST_LIST,
        // Format: not a Yiye license code at all.
        "malformed_prefix" | "malformed_version" => SHORT_NOT_YIYE,
        // Content: a license of a newer version, or not a license's content.
        "malformed_unsupported_claim" => SHORT_UPDATE_APP,
        "malformed_structure" => SHORT_BAD_CONTENT,
        // Decoding: base45, compression, CBOR, size.
        code if code.starts_with("malformed_") => SHORT_UNREADABLE,
        // A code from a newer version of the app: still not valid.
        _ => INVALID,
    }
}

/// What a reason means and what the inspector should do, in plain words. The reasons that
/// carry a time (status unknown since, trust list expired) have their sentence built around
/// it by the verdict view: here they give the words before it; those with a day or a version
/// have `{date}` and `{n}` in their texts, filled in by the verdict view (which also tells a
/// suspension whose end has passed).
pub fn reason(reason: &Reason) -> (Text, Text) {
    match reason {
        Reason::SignatureInvalid => (REASON_FORGED, DO_REJECT),
        Reason::UnknownKey => (REASON_UNKNOWN_KEY, DO_REFRESH_THEN_REJECT),
        Reason::UnknownIssuer => (REASON_UNKNOWN_ISSUER, DO_REFRESH_THEN_REJECT),
        Reason::KeyWithdrawn => (REASON_KEY_WITHDRAWN, DO_NEW_LICENSE),
        Reason::IssuerMismatch => (REASON_ISSUER_MISMATCH, DO_REJECT),
        Reason::KeyNotValidAtIssue => (REASON_KEY_NOT_VALID, DO_REJECT),
        Reason::DivisionNotAllowed => (REASON_DIVISION, DO_REFRESH_THEN_REJECT),
        Reason::PermitNotAllowed => (REASON_PERMIT, DO_REFRESH_THEN_REJECT),
        Reason::Expired => (REASON_EXPIRED, DO_NOT_TRADE),
        Reason::NotYetValid => (REASON_NOT_YET_VALID, DO_NOT_TRADE),
        Reason::Revoked { on: None } => (REASON_REVOKED, DO_NOT_TRADE),
        Reason::Revoked { on: Some(_) } => (REASON_REVOKED_ON, DO_NOT_TRADE),
        Reason::Superseded { .. } => (REASON_SUPERSEDED, DO_ASK_CURRENT),
        Reason::Suspended { .. } => (REASON_SUSPENDED, DO_WAIT_REINSTATED),
        Reason::Cancelled { .. } => (REASON_CANCELLED, DO_NOT_TRADE),
        Reason::StatusUnknown { since: None } => (REASON_NO_STATUS, DO_CONFIRM),
        Reason::StatusUnknown { since: Some(_) } => (REASON_STATUS_SINCE, DO_CONFIRM),
        Reason::TrustListExpired { .. } => (REASON_TRUST_EXPIRED, DO_CONFIRM),
        Reason::Malformed(Malformed::Prefix(_) | Malformed::Version(_)) => {
            (REASON_NOT_YIYE, DO_ASK_FOR_CODE)
        }
        Reason::Malformed(Malformed::UnsupportedClaim(_)) => (REASON_UPDATE_APP, DO_UPDATE_APP),
        Reason::Malformed(Malformed::Structure(_)) => (REASON_BAD_CONTENT, DO_REJECT),
        Reason::Malformed(_) => (REASON_UNREADABLE, DO_SCAN_AGAIN),
    }
}

#[cfg(test)]
mod tests {
    use signer::{Malformed, Reason};

    use super::*;

    /// Every code a verdict can have reads as plain words of its own, never the generic "not
    /// valid" kept for codes of a newer app.
    #[test]
    fn every_verdict_code_has_plain_words() {
        let reasons = [
            Reason::SignatureInvalid,
            Reason::UnknownKey,
            Reason::UnknownIssuer,
            Reason::KeyWithdrawn,
            Reason::DivisionNotAllowed,
            Reason::PermitNotAllowed,
            Reason::StatusUnknown { since: None },
            Reason::StatusUnknown { since: Some(0) },
            Reason::TrustListExpired { since: 0 },
            Reason::IssuerMismatch,
            Reason::KeyNotValidAtIssue,
            Reason::Expired,
            Reason::NotYetValid,
            Reason::Revoked { on: None },
            Reason::Revoked { on: Some(0) },
            Reason::Superseded {
                by_version: 2,
                on: 0,
            },
            Reason::Suspended { until: 0 },
            Reason::Cancelled { on: 0 },
            Reason::Malformed(Malformed::Prefix("YY1:")),
            Reason::Malformed(Malformed::Version("YY9".into())),
            Reason::Malformed(Malformed::Oversize("text")),
            Reason::Malformed(Malformed::Base45("x")),
            Reason::Malformed(Malformed::Compression("x")),
            Reason::Malformed(Malformed::Cbor("x")),
            Reason::Malformed(Malformed::Structure("x")),
            Reason::Malformed(Malformed::UnsupportedClaim("x".into())),
        ];
        for reason in &reasons {
            let label = verdict_label(reason.code());
            assert_ne!(label, INVALID, "{}", reason.code());
            assert!(!label.en.contains('_'), "{}", reason.code());
            let (what, todo) = super::reason(reason);
            assert!(
                !what.zh.is_empty() && !todo.en.is_empty(),
                "{}",
                reason.code()
            );
        }
        // The inspector's own codes: nothing to verify with.
        for code in ["trust_list_invalid", "no_trust_list"] {
            assert_ne!(verdict_label(code), INVALID, "{code}");
        }
        assert_eq!(verdict_label("signature_invalid").en, "Forged or altered");
        assert_eq!(verdict_label("valid"), VALID);
        assert_eq!(verdict_label("a_code_of_a_newer_app"), INVALID);
    }
}
