//! Interface language: zh-CN and English, switchable and remembered on the device.

use bilingual::texts;
pub use bilingual::{InLang, Lang, Text};

texts! {
    APP_NAME = "一业一证", "Yiye — one industry, one license";
    TAGLINE = "一张表单，一张行业综合许可证，一个二维码。", "One form, one combined industry license, one QR code.";
    START_HEADING = "您想做什么？", "What do you want to do?";
    START_APPLY = "申请行业综合许可证", "Apply for a combined license";
    START_APPLY_HINT = "选择行业，填写一张合并表单。", "Choose your industry and fill in one merged form.";
    START_CONTINUE = "继续已保存的申请", "Continue a saved application";
    START_CONTINUE_HINT = "草稿保存在本设备上。", "Drafts are kept on this device.";
    START_CHECK = "核验许可证", "Check a license";
    START_CHECK_HINT = "扫描许可证二维码，离线核验。", "Scan a license QR code and verify it offline.";
    ISSUER_KEY = "发证机关签名密钥", "Issuing authority's signing key";
    ISSUER_KEY_UNAVAILABLE = "暂时无法获取发证机关密钥（离线？）", "The issuing authority's key is not available right now (offline?)";
    BACK = "返回", "Back";
    CONTINUE = "继续", "Continue";
    STORAGE_NOT_PERSISTENT = "此浏览器可能在空间不足时清除本设备上保存的申请。请尽快在有网络时提交。", "This browser may clear applications saved on this device when space runs short. Send them when you have a network.";
    STORAGE_NEARLY_FULL = "本设备的存储空间快用完了：请先提交已填好的申请，或删除不需要的草稿。", "This device's storage is nearly full: send finished applications or delete drafts you no longer need.";
    STORAGE_WRITE_FAILED = "本设备未能保存您最近的修改（存储空间已满或被浏览器禁止）。请不要关闭此页面，腾出空间或尽快提交。", "This device could not save your latest changes (storage is full or blocked by the browser). Keep this page open, free some space or send the application soon.";
    STORAGE_FALLBACK = "此浏览器不提供 IndexedDB（隐私模式？）：申请改存于容量较小的本地存储中。请尽快提交。", "This browser offers no IndexedDB (private mode?): applications are kept in its smaller local storage instead. Send them soon.";
    UNREADABLE_BEFORE = "本设备上有 ", "Saved applications on this device that could not be read: ";
    UNREADABLE_AFTER = " 份保存的申请无法读取（可能由其他版本的应用保存）。它们仍保留在设备上，没有被删除。", ". They stay on the device, not deleted (another version of this app may have saved them).";
    CLERK_MODE = "窗口代办模式", "Clerk mode";
    LARGE_TEXT = "大字模式", "Large text";
    UPDATE_READY = "新版本已就绪。重新加载后，您填写的内容会保留。", "A new version is ready. Your answers are kept when you reload.";
    RELOAD = "重新加载", "Reload";
    SKIP_TO_MAIN = "跳到主要内容", "Skip to main content";

    INDUSTRY_HEADING = "选择您的行业", "Choose your industry";
    INDUSTRY_SEARCH = "搜索行业", "Search industries";
    INDUSTRY_SEARCH_HINT = "输入中文或英文，例如：便利店、cafe", "Type in Chinese or English, for example 便利店 or cafe";
    INDUSTRY_NONE = "没有找到匹配的行业，请换个词试试。", "No industry matches. Try another word.";

    SCOPE_HEADING = "您的经营范围", "Your business scope";
    SCOPE_INTRO = "这些回答决定本次申请合并办理哪些许可。", "Your answers decide which permits this application combines.";
    YES = "是", "Yes";
    NO = "否", "No";
    PERMITS_HEADING = "本次申请合并办理的许可", "Permits this application combines";
    NO_PERMITS = "按您目前的回答，不需要办理任何许可。请检查上面的回答。", "With these answers no permit is needed. Check your answers above.";
    DEPARTMENT = "发证部门", "Issued by";

    FORM_HEADING = "填写合并申请表", "Fill in the merged application";
    COUNTER_BEFORE = "您只需填写 ", "You fill ";
    COUNTER_MIDDLE = " 项，分开申请需填写 ", " fields instead of ";
    COUNTER_AFTER = " 项。", " on separate forms.";
    CREDIT_CODE_FIRST = "先填写统一社会信用代码：已登记企业的信息会自动预填。", "Enter the unified social credit code first: a registered enterprise's data is filled in for you.";
    LOOKUP_LOOKING = "正在查询企业登记信息…", "Looking up the enterprise registry…";
    LOOKUP_FOUND = "已从企业登记信息预填，请核对，可修改。", "Filled in from the enterprise registry. Check it; you can change anything.";
    LOOKUP_NOT_FOUND = "登记信息中没有这个代码，请手动填写。", "The registry does not know this code. Please fill in the fields yourself.";
    LOOKUP_FAILED = "暂时无法查询登记信息（离线？），请手动填写或稍后再试。", "The registry cannot be reached right now (offline?). Fill in the fields yourself or try again later.";
    FROM_REGISTRY = "来自企业登记信息", "From the enterprise registry";
    FROM_PROFILE = "来自您保存的资料", "From your saved profile";
    OPTIONAL = "（选填）", " (optional)";
    ERROR_SUMMARY = "请修改以下问题", "There is a problem";
    SELECT_PLACEHOLDER = "请选择", "Choose";

    // The form in steps (steps.rs, form_page.rs).
    STEP_BASIC = "基本信息", "Basic information";
    STEP_CONTACT = "联系方式", "Contact";
    STEP_PREMISES = "经营场所", "Premises";
    STEP_BUILDING = "建筑与消防设施", "Building and fire equipment";
    STEP_PEOPLE = "法定代表人与负责人", "Representative and people in charge";
    STEP_STAFF = "从业人员与管理人员", "Staff and managers";
    STEP_DECLARATION = "声明", "Declaration";
    STEP_BEFORE = "第 ", "Step ";
    STEP_MIDDLE = " 步，共 ", " of ";
    STEP_AFTER = " 步", "";

    CHECK_HEADING = "核对您的申请", "Check your answers before sending";
    CHANGE = "修改", "Change";
    SUBMIT = "提交申请", "Send application";
    OUTBOX_HEADING = "申请已放入发件箱", "Your application is in the outbox";
    OUTBOX_SENDING = "正在发送…", "Sending…";
    OUTBOX_WAITING = "尚未发送：有网络时会自动重发。", "Not sent yet: it is sent again automatically as soon as a network is there.";
    OUTBOX_ATTEMPTS = "已尝试次数：", "Tries so far:";
    OUTBOX_SAFE = "申请保存在本设备上，可以关闭此页面；重复发送也只会签发一张许可证。", "The application is kept on this device; you can close this page. Sending again never issues a second license.";
    OUTBOX_TRY_NOW = "立即重试", "Try now";
    OUTBOX_REFUSED = "服务器拒绝了这份申请，请联系窗口工作人员。", "The server refused this application. Please ask a clerk at the service desk.";
    HANDOVER_SHOW = "没有网络？用二维码递交", "No network? Hand over by QR code";
    HANDOVER_HEADING = "用二维码递交申请", "Hand the application over by QR code";
    HANDOVER_INTRO = "请在有网络的窗口按顺序扫描以下二维码。申请已由本设备签名，窗口扫描后与在线提交完全相同，只会签发一张许可证。", "At a connected desk, scan these QR codes in order. Signed by this device, the application then counts as sent online: one license, never two.";
    HANDOVER_QR = "递交二维码", "Hand-over QR code";
    HANDOVER_ENROL = "首次使用前，管理员需要登记本设备的编号和公钥。", "Before first use, an administrator enrols this device's ID and public key.";
    HANDOVER_UNAVAILABLE = "此浏览器无法保存设备密钥（Chrome 137、Safari 17、Firefox 129 及以上可以），暂不能用二维码递交。联网后发件箱会自动发送申请。", "This browser cannot keep a device key (Chrome 137, Safari 17, Firefox 129 or later can), so hand-over by QR code is not available. The outbox sends the application when there is a network.";
    HANDOVER_SIGNING = "正在用本设备的密钥签名……", "Signing with this device's key…";
    DEVICE_ID = "设备编号", "Device ID";
    DEVICE_KEY = "设备公钥", "Device public key";
    OUTBOX_QUEUED = "在发件箱中，等待发送", "In the outbox, waiting to be sent";
    INDUSTRY_LABEL = "行业", "Industry";
    SCOPE_LABEL = "经营范围", "Business scope";

    LICENSE_HEADING = "行业综合许可证", "Combined industry license";
    LICENSE_NUMBER = "许可证编号", "License number";
    BUSINESS_NAME = "名称", "Business name";
    CREDIT_CODE = "统一社会信用代码", "Unified social credit code";
    ADDRESS = "经营场所", "Business premises";
    LEGAL_REP = "法定代表人（负责人）", "Legal representative";
    VALIDITY = "有效期", "Valid";
    ISSUER = "发证机关", "Issued by";
    PERMIT_NUMBER = "许可编号", "Permit number";
    PRINT = "打印许可证", "Print the license";
    DOWNLOAD_SVG = "下载二维码（SVG）", "Download the QR code (SVG)";
    QR_LABEL = "许可证二维码：扫码核验", "License QR code: scan to verify";
    TRACKING_HEADING = "跟踪您的申请", "Track your application";
    TRACKING_LINK = "跟踪链接", "Tracking link";
    TRACKING_QR = "跟踪链接二维码", "QR code of the tracking link";
    STATUS = "状态", "Status";
    STATUS_RECEIVED = "已受理", "Received";
    STATUS_UNDER_REVIEW = "审核中", "Under review";
    STATUS_CORRECTION_REQUESTED = "需补正", "Corrections requested";
    STATUS_ISSUED = "已发证", "Issued";
    STATUS_REVOKED = "已撤销", "Revoked";
    STATUS_REJECTED = "不予许可", "Rejected";
    STATUS_WITHDRAWN = "已撤回", "Withdrawn";
    STATUS_CANCELLED = "已注销", "Cancelled by the holder";
    STATUS_UNKNOWN = "查询中", "Checking";
    STATUS_OFFLINE = "离线：显示上次查询的状态", "Offline: showing the last known status";
    STATUS_UNAVAILABLE = "暂时无法查询状态（离线？），请稍后再试。", "The status cannot be checked right now (offline?). Try again later.";
    STATUS_NOT_FOUND = "没有找到这个申请。", "No application with this id was found.";
    NEW_APPLICATION = "开始新的申请", "Start a new application";

    DRAFTS_HEADING = "已保存的申请", "Saved applications";
    DRAFTS_NONE = "本设备上没有保存的申请。", "There are no saved applications on this device.";
    RESUME = "继续填写", "Resume";
    OPEN = "查看", "Open";
    DELETE = "删除", "Delete";
    DELETE_CONFIRM = "确定删除这份申请吗？删除后无法恢复。", "Delete this application? This cannot be undone.";
    DRAFT_UNTITLED = "尚未选择行业", "No industry chosen yet";
    DRAFT_ISSUED = "已发证", "License issued";
    DRAFT_IN_PROGRESS = "填写中", "In progress";

    // The outbox in plain words: why the last try failed, what happens next.
    WHY_OFFLINE = "这台设备现在连不上服务器（没有网络或网络中断）。", "This device cannot reach the server right now (no network, or the connection dropped).";
    WHY_SERVER_BUSY = "服务器暂时无法处理（繁忙或维护中）。", "The server cannot take it right now (busy or under maintenance).";
    WHY_UNREADABLE = "服务器的答复无法读取：请重新载入页面以更新本应用。", "The server's answer could not be read: reload the page to update this app.";
    NEXT_TRY_BEFORE = "会在 ", "It is tried again by itself at ";
    NEXT_TRY_AFTER = " 左右自动重试；网络恢复时会立即发送。", ", and at once when the network comes back.";
    REFUSED_CONFLICT = "这个申请编号已被另一份内容不同的申请使用。请撤回后修改，作为新申请重新发送。", "This application's number is taken by a different application: withdraw it, edit it and send it again.";
    REFUSED_TOO_LARGE = "申请内容超过了服务器接受的大小。请撤回后缩短较长的内容再发送。", "The application is larger than the server accepts. Withdraw it, shorten the longest answers and send it again.";
    REFUSED_OTHER = "服务器不接受这份申请的格式，可能是本应用版本过旧：请重新载入页面后再试，仍不行请联系窗口工作人员。", "The server does not accept this application's format (this app may be out of date): reload the page and try again, or ask a clerk.";
    QUEUED_READ_ONLY = "这份申请已经提交，正在等待发送，不能再修改。如需修改，请先撤回。", "This application has been sent and is waiting to go out; it can no longer be edited. To change it, withdraw it first.";
    EDIT_APPLICATION = "修改申请", "Edit the application";
    WITHDRAW_EDIT = "撤回并修改", "Withdraw and edit";
    WITHDRAW_CONFIRM = "撤回这份申请并继续修改？撤回后需要重新提交。如果它刚刚已送达服务器，许可证仍会签发。", "Withdraw this application to edit it? You will need to send it again. If it reached the server a moment ago, the license is still issued.";
    // The license says what is true; tracking worth opening (issue #15, findings 6 and 7).
    // A permit the catalog gives no validity (a filing, a one-off approval): Chinese
    // certificates print "长期有效" in the validity box for "no end date" (as 营业执照 and ID
    // cards print "长期"); "无有效期限" would read as "has no validity".
    NO_FIXED_TERM = "长期有效", "No fixed term";
    RECEIVED_ON = "受理日期", "Received";
    ISSUED_ON = "发证日期", "Issued";
    VIEW_LICENSE = "查看许可证", "View the license";

    // The review workflow (issue #17): commitments on the declaration step, corrections on
    // the form, the received page, the tracking page.
    GRANTS_HEADING = "各项许可如何办理", "How each permit is granted";
    ASK_REVIEW = "改为申请部门审核", "Ask for the department's review instead";
    COLON = "：", ": ";
    REVIEW_WITHIN = "将在 ", " will review it within ";
    WORKING_DAYS = " 个工作日内审核", " working days";
    WITH_INSPECTION = "，并进行现场核查", ", with an on-site inspection";
    FULL_STOP = "。", ".";
    LIST_SEPARATOR = "、", ", ";
    CORRECTIONS_HEADING = "审核部门要求补正以下内容", "The departments ask you to correct these answers";
    RECEIVED_HEADING = "申请已收到", "Application received";
    UNDER_REVIEW_BY = "已收到 — 正在审核的部门：", "Received — under review by: ";
    ISSUED_FETCHING = "已准予许可，正在获取许可证…", "Granted: fetching your license…";
    REJECTED_INTRO = "有许可不予批准：可以放弃该许可，或撤回申请。", "A permit was refused: drop it, or withdraw the application.";
    REJECTION_REASON = "理由", "Reason";
    APPEAL = "救济途径", "Appeal";
    DROP_PERMIT = "放弃此许可，领取其余许可的许可证", "Drop this permit and get a license for the rest";
    WITHDRAW_APPLICATION = "撤回申请", "Withdraw the application";
    DROP_CONFIRM = "放弃这项许可？此操作无法撤销。", "Drop this permit? This cannot be undone.";
    WITHDRAW_APPLICATION_CONFIRM = "撤回整份申请？此操作无法撤销。", "Withdraw the whole application? This cannot be undone.";
    DECISION_FAILED = "您的选择没有送达（没有网络？），请联网后再试。", "Your choice did not reach the authority (no network?). Try again when you are online.";
    MODE = "办理方式", "Granted";
    MODE_COMMITMENT = "告知承诺", "On commitment";
    MODE_REVIEW = "部门审核", "After review";
    DUE = "办理期限", "Decision due";
    CONDITIONS = "附加条件", "Conditions";
    TIMELINE = "办理进程", "Timeline";
    PERMIT_APPROVED = "已批准", "Approved";
    PERMIT_GRANTED = "已准予（告知承诺）", "Granted on commitment";
    PERMIT_DROPPED = "已放弃", "Dropped";
    EVENT_RECEIVED = "收到申请", "Application received";
    EVENT_ACCEPTED = "受理申请", "Application accepted";
    EVENT_CORRECTION = "要求补正", "Corrections requested";
    EVENT_REVISION = "收到补正后的申请", "Corrected application received";
    EVENT_INSPECTION = "现场核查", "On-site inspection";
    EVENT_DROPPED = "申请人放弃许可", "Permit dropped by the applicant";
    EVENT_WITHDRAWN = "申请人撤回申请", "Application withdrawn by the applicant";

    // A license's life on the holder's side (issue #18): My licenses, change, renewal,
    // cancellation, the check after a commitment.
    START_LICENSES = "我的许可证", "My licenses";
    START_LICENSES_HINT = "查看许可证的版本和状态，办理变更、延续或注销。", "See each license's version and state; change, renew or cancel it.";
    LICENSES_NONE = "本设备上还没有许可证。", "This device holds no license yet.";
    VERSION = "版本", "Version";
    STATE_VALID = "有效", "Valid";
    STATE_SUPERSEDED = "已被新版本取代", "Superseded by a newer version";
    STATE_SUSPENDED = "暂扣至", "Suspended until";
    VALID_UNTIL = "有效期至", "Valid until";
    HISTORY = "版本记录", "History";
    FIRST_ISSUE = "首次发证", "First issue";
    CHANGE_OF = "变更：", "Change of ";
    RENEWAL = "延续", "Renewal";
    CHANGE_LICENSE = "变更", "Change";
    RENEW_LICENSE = "延续", "Renew";
    CANCEL_LICENSE = "注销", "Cancel license";
    EXPIRES_ON = "许可证将于", "The license expires on ";
    RENEW_NOW = "到期，请及时办理延续。", " — renew now.";
    CANCEL_PROMPT = "注销这张许可证？注销后无法恢复。可以填写注销原因（选填），然后按“确定”：", "Cancel this license? This cannot be undone. Give a reason if you wish (optional), then press OK:";
    CHANGES_HEADING = "变更内容", "What changes";
    NOTHING_CHANGES = "您还没有修改任何内容：请至少修改一项后再提交。", "Nothing changes yet: change at least one answer before sending.";
    HOLDER_REFUSED = "许可证在填写后已有变化，或现在不能办理（已暂扣、注销，或尚未到延续时间）。请在“我的许可证”中查看其状态。", "The license changed since this was filled, or cannot be changed now (suspended, cancelled, or renewal not yet open). See its state under My licenses.";
    SUPERVISION = "事后核查", "Check after commitment";
    SUPERVISION_DUE = "核查期限", "Check due by";
    HONOURED = "核查通过：与承诺相符", "As committed";
    FALSE_COMMITMENT = "承诺不实", "The commitment was false";
    FINDINGS = "核查发现", "Findings";
    CONSEQUENCE = "处理结果", "What followed";
}

/// A license version's state in words.
pub fn state_text(state: contract::LicenseState) -> Text {
    use contract::LicenseState::*;
    match state {
        Valid => STATE_VALID,
        Superseded => STATE_SUPERSEDED,
        Suspended => STATE_SUSPENDED,
        Revoked => STATUS_REVOKED,
        Cancelled => STATUS_CANCELLED,
    }
}

/// Where an application stands, in words.
pub fn status_text(status: contract::ApplicationStatus) -> Text {
    use contract::ApplicationStatus::*;
    match status {
        Received => STATUS_RECEIVED,
        UnderReview => STATUS_UNDER_REVIEW,
        CorrectionRequested => STATUS_CORRECTION_REQUESTED,
        Issued => STATUS_ISSUED,
        Revoked => STATUS_REVOKED,
        Rejected => STATUS_REJECTED,
        Withdrawn => STATUS_WITHDRAWN,
        Cancelled => STATUS_CANCELLED,
    }
}

/// Where one permit of an application stands, in words.
pub fn permit_status_text(status: contract::PermitStatus) -> Text {
    use contract::PermitStatus::*;
    match status {
        UnderReview => STATUS_UNDER_REVIEW,
        CorrectionRequested => STATUS_CORRECTION_REQUESTED,
        Approved => PERMIT_APPROVED,
        GrantedOnCommitment => PERMIT_GRANTED,
        Rejected => STATUS_REJECTED,
        Dropped => PERMIT_DROPPED,
        Withdrawn => STATUS_WITHDRAWN,
    }
}

/// What happened, in words (a timeline entry).
pub fn event_text(event: contract::TimelineEvent) -> Text {
    use contract::TimelineEvent::*;
    match event {
        Received => EVENT_RECEIVED,
        Accepted => EVENT_ACCEPTED,
        GrantedOnCommitment => PERMIT_GRANTED,
        CorrectionRequested => EVENT_CORRECTION,
        RevisionReceived => EVENT_REVISION,
        InspectionRecorded => EVENT_INSPECTION,
        Approved => PERMIT_APPROVED,
        Rejected => STATUS_REJECTED,
        PermitDropped => EVENT_DROPPED,
        Withdrawn => EVENT_WITHDRAWN,
        Issued => STATUS_ISSUED,
        Revoked => STATUS_REVOKED,
    }
}

/// How a permit is granted, in words.
pub fn mode_text(mode: catalog::GrantMode) -> Text {
    match mode {
        catalog::GrantMode::Commitment => MODE_COMMITMENT,
        catalog::GrantMode::Review => MODE_REVIEW,
    }
}

/// Why an outbox entry was not sent yet, from the key its last try left ([`crate::services::api::ApiError::failure_key`]).
/// Older entries kept the browser's own text: they read as "not sent yet" only.
pub fn why_not_sent(key: &str) -> Option<Text> {
    match key {
        "offline" => Some(WHY_OFFLINE),
        "server_unavailable" => Some(WHY_SERVER_BUSY),
        "unreadable" => Some(WHY_UNREADABLE),
        _ => None,
    }
}
