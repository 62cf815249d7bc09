//! Interface language: zh-CN and English, remembered on the device under the same key as the
//! applicant app and the inspector. Every word the office shows is here, including what an
//! error answer means: the server's own message text never reaches the page.

use bilingual::texts;
pub use bilingual::{InLang, Lang, Text};
use contract::{
    ApplicationStatus, GrantMode, InspectionResult, PermitStatus, TimelineEvent, Urgency,
};

use crate::services::api::ApiError;

texts! {
    APP_NAME = "一业一证 · 审批后台", "Yiye — back office";
    SKIP_TO_MAIN = "跳到主要内容", "Skip to main content";
    LOADING = "正在加载…", "Loading…";
    // Signing in.
    SIGN_IN_HEADING = "工作人员登录", "Staff sign in";
    USERNAME = "用户名", "Username";
    PASSWORD = "密码", "Password";
    SIGN_IN = "登录", "Sign in";
    SIGNING_IN = "正在登录…", "Signing in…";
    SIGN_OUT = "退出登录", "Sign out";
    SIGNED_IN_AS = "已登录：", "Signed in as ";
    SIGNED_OUT = "您已退出登录。", "You have signed out.";
    SESSION_ENDED = "登录已失效，请重新登录。", "Your session has ended. Sign in again.";
    USERNAME_MISSING = "请输入用户名", "Enter your username";
    PASSWORD_MISSING = "请输入密码", "Enter your password";
    ERROR_SUMMARY = "请修改以下问题", "There is a problem";
    // Errors, in words.
    ERR_CREDENTIALS = "用户名或密码不正确。", "The username or password is not correct.";
    ERR_TOO_MANY_BEFORE = "尝试次数过多，请在 ", "Too many attempts. Try again in ";
    ERR_TOO_MANY_AFTER = " 秒后再试。", " seconds.";
    ERR_TOO_MANY = "尝试次数过多，请稍后再试。", "Too many attempts. Try again later.";
    ERR_NETWORK = "无法连接服务器（网络中断？），请检查网络后重试。", "The server could not be reached (no network?). Check the connection and try again.";
    ERR_FORBIDDEN = "您无权查看或处理此项。", "You are not allowed to see or handle this.";
    ERR_NOT_FOUND = "没有找到这个申请。", "No such application was found.";
    ERR_NOT_PENDING = "此许可已经作出决定（可能是其他人刚刚处理），页面已更新。", "This permit has already been decided (perhaps by someone else just now). The page shows it as it is.";
    ERR_INSPECTION_FIRST = "此许可需先记录合格的现场核查，才能准予许可。", "This permit needs a passed on-site inspection before it is approved: record the inspection first.";
    ERR_INVALID = "服务器不接受这些内容，请检查后重试。", "The server did not accept this. Check what you entered and try again.";
    ERR_SERVER = "服务器出现问题，请稍后再试。", "The server had a problem. Try again later.";
    ERR_UNREADABLE = "服务器的回答无法读取，请刷新页面。", "The server's answer could not be read. Reload the page.";
    TRY_AGAIN = "重试", "Try again";
    // Queues.
    TASKS_HEADING = "待办事项", "Tasks";
    TASKS_OF = "部门：", "Department: ";
    DEPARTMENT = "部门", "Department";
    ALL_DEPARTMENTS = "全部部门", "All departments";
    SHOW = "显示", "Show";
    OVERDUE = "已超期", "Overdue";
    DUE_SOON = "2个工作日内到期", "Due within 2 working days";
    NEW = "新收件", "New";
    NO_TASKS = "无。", "None.";
    TODAY_IS = "今天：", "Today: ";
    INDUSTRY = "行业", "Industry";
    PERMIT = "许可", "Permit";
    DUE = "办理期限", "Due";
    REVISION = "版本", "Revision";
    RECEIVED = "收件时间", "Received";
    // Checks after a commitment (审管联动).
    CHECKS_HEADING = "承诺后核查", "Checks after commitment";
    CHECKS_LEAD = "以告知承诺方式准予的许可，须在规定期限内到现场核查承诺是否属实。", "Permits granted on the applicant's commitment are checked on site, within the period their rules set, to see whether the commitment is true.";
    CHECKS_OPEN = "待核查", "To check";
    CHECKS_RECORDED = "已核查", "Checked";
    CHECK_BY = "核查期限", "Check by";
    LICENSE_NUMBER = "证照编号", "License number";
    LICENSE_STATUS = "证照状态", "License status";
    LICENSE_VALID = "有效", "Valid";
    LICENSE_REVOKED = "已撤销", "Revoked";
    REVOCATION_REASON = "撤销原因", "Reason for revocation";
    ISSUED_ON = "发证日期", "Issued on";
    CREDIT_CODE = "统一社会信用代码", "Unified social credit code";
    PREMISES = "经营场所", "Premises";
    COMMITMENT = "申请人承诺", "What the applicant committed to";
    ON_SITE = "须现场核查", "On-site check required";
    CHECKED_ON = "核查日期", "Checked on";
    CHECKED_BY = "核查人", "Checked by";
    CHECK_RESULT = "核查结果", "Result of the check";
    HONOURED = "承诺属实", "Commitment honoured";
    FALSE_COMMITMENT = "虚假承诺", "False commitment";
    FINDINGS = "核查发现", "Findings";
    FINDINGS_ZH = "核查发现（中文）", "Findings in Chinese";
    FINDINGS_EN = "核查发现（英文）", "Findings in English";
    FINDINGS_MISSING = "请用中文和英文写明核查发现", "Write the findings in Chinese and in English";
    REVOKE_REASON_ZH = "撤销许可的法律依据（中文）", "Legal reason for revoking, in Chinese";
    REVOKE_REASON_EN = "撤销许可的法律依据（英文）", "Legal reason for revoking, in English";
    REVOKE_REASON_MISSING = "请用中文和英文写明撤销许可的法律依据", "Write the legal reason for revoking in Chinese and in English";
    REVOKE_WARNING = "记录虚假承诺将立即撤销整张综合许可证：它会列入已签名的撤销名单，检查人员下次同步后扫码即显示“已撤销”。", "Recording a false commitment revokes the whole combined license at once: it goes on the signed revocation list, and inspectors' scans say \"revoked\" after their next sync.";
    CONFIRM_REVOCATION = "我确认撤销此证照", "I confirm the license is to be revoked";
    CONFIRM_MISSING = "请确认撤销证照", "Confirm that the license is to be revoked";
    CONSEQUENCE = "对许可证的处理", "What follows for the license";
    REVOKE_LICENSE = "撤销许可证", "Revoke the license";
    SUSPEND_LICENSE = "暂扣许可证至某日", "Suspend the license until a day";
    SUSPEND_UNTIL = "暂扣至（最后一天）", "Suspended until (last day)";
    SUSPEND_UNTIL_MISSING = "请填写暂扣的最后一天（今天或以后）", "Give the last day of the suspension: today or later";
    SUSPEND_REASON_ZH = "暂扣许可的法律依据（中文）", "Legal reason for suspending, in Chinese";
    SUSPEND_REASON_EN = "暂扣许可的法律依据（英文）", "Legal reason for suspending, in English";
    SUSPEND_REASON_MISSING = "请用中文和英文写明暂扣许可的法律依据", "Write the legal reason for suspending in Chinese and in English";
    SUSPEND_WARNING = "记录虚假承诺将立即暂扣整张综合许可证至所填日期：它会列入已签名的状态清单，检查人员下次同步后扫码即显示“暂扣”。到期不会自动恢复，须由发证机关恢复。", "Recording a false commitment suspends the whole combined license at once until that day: it goes on the signed status list, and inspectors' scans say \"suspended\" after their next sync. It does not end by itself: the authority reinstates it.";
    CONFIRM_SUSPENSION = "我确认暂扣此证照", "I confirm the license is to be suspended";
    CONFIRM_SUSPENSION_MISSING = "请确认暂扣证照", "Confirm that the license is to be suspended";
    CHECKED_SUSPENDED = "已记录：虚假承诺，证照已暂扣 — ", "Recorded: false commitment, license suspended — ";
    FOLLOWED = "处理", "What followed";
    LICENSE_SUSPENDED_UNTIL = "暂扣至", "Suspended until";
    LICENSE_CANCELLED = "已由持证人注销", "Cancelled by the holder";
    CHOOSE_RESULT = "请选择核查结果", "Choose the result of the check";
    RECORD_CHECK = "记录核查结果", "Record the result";
    RECORD_CHECK_HEADING = "记录核查结果：", "Record the result: ";
    CHECKED_HONOURED = "已记录：承诺属实 — ", "Recorded: commitment honoured — ";
    CHECKED_REVOKED = "已记录：虚假承诺，证照已撤销 — ", "Recorded: false commitment, license revoked — ";
    ERR_NOT_IN_FORCE = "此证照已被撤销、暂扣或注销，不能再暂扣；请撤销或只记录核查结果。", "The license is already revoked, suspended or cancelled, so it cannot be suspended: revoke it, or record the finding with revocation.";
    ERR_LICENSE_MOVED = "持证人的许可证在审核期间已变更（已有新版本，或已暂扣、撤销、注销），不能按此申请核准。请不予许可，并说明这一理由。", "The holder's license changed while this was under review (a newer version, or suspended, revoked or cancelled): this request cannot be approved. Refuse it, giving that reason.";
    ERR_ALREADY_CHECKED = "此核查已有结果（可能是其他人刚刚记录），页面已更新。", "This check already has a result (perhaps someone else just recorded it). The page shows it as it is.";
    BACK_TO_CHECKS = "返回核查列表", "Back to the checks";
    // The application.
    BACK_TO_TASKS = "返回待办事项", "Back to tasks";
    APPLICATION_ID = "申请编号", "Application number";
    STATUS = "状态", "Status";
    PERMITS = "许可事项", "Permits";
    MODE = "办理方式", "How it is granted";
    MODE_COMMITMENT = "告知承诺", "On commitment";
    MODE_REVIEW = "部门审核", "Review";
    INSPECTION_REQUIRED = "需现场核查", "On-site inspection";
    YES = "是", "Yes";
    NO = "否", "No";
    INSPECTIONS = "现场核查记录", "On-site inspections";
    CORRECTIONS_ASKED = "已要求补正", "Corrections asked for";
    CONDITIONS = "附加条件", "Conditions";
    REJECTION_REASON = "不予许可理由", "Reason for refusal";
    APPEAL = "救济途径", "Appeal route";
    FIELDS_HEADING = "申请内容", "What the application says";
    FIELD = "项目", "Item";
    VALUE = "内容", "Value";
    SOURCE = "来源", "Source";
    REGISTRY_CONFIRMED = "✓ 经登记系统确认", "✓ Confirmed by the registry";
    AS_TYPED = "申请人填写", "Typed by the applicant";
    EMPTY_VALUE = "（未填）", "(empty)";
    TIMELINE = "办理过程", "Timeline";
    // Statuses.
    STATUS_RECEIVED = "已收件", "Received";
    STATUS_UNDER_REVIEW = "审核中", "Under review";
    STATUS_CORRECTION_REQUESTED = "需补正", "Corrections requested";
    STATUS_ISSUED = "已发证", "Issued";
    STATUS_REVOKED = "已撤销", "Revoked";
    STATUS_REJECTED = "不予许可", "Rejected";
    STATUS_WITHDRAWN = "已撤回", "Withdrawn";
    STATUS_CANCELLED = "已注销", "Cancelled by the holder";
    STATUS_APPROVED = "准予许可", "Approved";
    STATUS_GRANTED_ON_COMMITMENT = "已凭承诺准予", "Granted on commitment";
    STATUS_DROPPED = "申请人已放弃", "Dropped by the applicant";
    // Timeline events.
    EVENT_RECEIVED = "收件", "Received";
    EVENT_ACCEPTED = "受理", "Accepted";
    EVENT_GRANTED_ON_COMMITMENT = "凭承诺准予", "Granted on commitment";
    EVENT_CORRECTION_REQUESTED = "一次性告知补正", "Corrections sent to the applicant";
    EVENT_REVISION_RECEIVED = "收到补正后的申请", "Corrected application received";
    EVENT_INSPECTION_RECORDED = "记录现场核查", "On-site inspection recorded";
    EVENT_APPROVED = "准予许可", "Approved";
    EVENT_REJECTED = "不予许可", "Rejected";
    EVENT_PERMIT_DROPPED = "申请人放弃该许可", "Permit dropped by the applicant";
    EVENT_WITHDRAWN = "申请人撤回", "Withdrawn by the applicant";
    EVENT_ISSUED = "发证", "License issued";
    EVENT_REVOKED = "撤销", "Revoked";
    // Deciding.
    DECIDE_HEADING = "作出决定：", "Decide: ";
    DECISION = "决定", "Decision";
    APPROVE = "准予许可", "Approve";
    REQUEST_CORRECTION = "要求补正", "Request correction";
    REJECT = "不予许可", "Reject";
    CONDITIONS_ZH = "附加条件（中文，可不填）", "Conditions in Chinese (optional)";
    CONDITIONS_EN = "附加条件（英文，可不填）", "Conditions in English (optional)";
    CONDITIONS_BOTH = "附加条件请用中文和英文各写一遍", "Write the conditions in Chinese and in English";
    CORRECTION_HINT = "勾选需要补正的每一项，并用通俗的话说明要改什么（中英文各一遍）。所有要求会一次性告知申请人。", "Tick each item to correct and say in plain words what to change, in Chinese and in English. The applicant receives every request at once.";
    ASK_TO_CORRECT = "要求补正", "Ask to correct";
    MESSAGE_ZH = "补正说明（中文）", "Message in Chinese";
    MESSAGE_EN = "补正说明（英文）", "Message in English";
    NO_FIELD_CHOSEN = "请至少勾选一项需要补正的内容", "Tick at least one item to correct";
    MESSAGE_MISSING = "请用中文和英文写明补正说明：", "Write the message in Chinese and in English for: ";
    REASON_ZH = "法律依据和理由（中文）", "Legal reason in Chinese";
    REASON_EN = "法律依据和理由（英文）", "Legal reason in English";
    REASON_MISSING = "请用中文和英文写明不予许可的法律依据和理由", "Write the legal reason in Chinese and in English";
    APPEAL_ZH = "救济途径（中文）", "Appeal route in Chinese";
    APPEAL_EN = "救济途径（英文）", "Appeal route in English";
    APPEAL_MISSING = "请用中文和英文写明救济途径", "Write the appeal route in Chinese and in English";
    CHOOSE_DECISION = "请选择一项决定", "Choose a decision";
    RECORD_DECISION = "记录决定", "Record the decision";
    SENDING = "正在提交…", "Sending…";
    DECIDED_APPROVED = "已记录：准予许可 — ", "Recorded: approved — ";
    DECIDED_CORRECTION = "已记录：要求补正 — ", "Recorded: correction requested — ";
    DECIDED_REJECTED = "已记录：不予许可 — ", "Recorded: rejected — ";
    INSPECTION_RECORDED = "已记录现场核查 — ", "On-site inspection recorded — ";
    // On-site inspection.
    INSPECTION_HEADING = "记录现场核查：", "Record on-site inspection: ";
    INSPECTION_DATE = "核查日期", "Date of the inspection";
    INSPECTOR = "核查人员", "Inspector";
    RESULT = "结果", "Result";
    PASSED = "合格", "Passed";
    FAILED = "不合格", "Failed";
    NOTE = "说明（可不填）", "Note (optional)";
    RECORD_INSPECTION = "记录核查", "Record the inspection";
    DATE_MISSING = "请填写核查日期", "Enter the date of the inspection";
    INSPECTOR_MISSING = "请填写核查人员", "Enter who inspected";
    RESULT_MISSING = "请选择核查结果", "Choose the result";
    // Audit log.
    AUDIT_HEADING = "操作日志", "Audit log";
    AUDIT_FILTER = "只看此申请编号", "Only this application number";
    AUDIT_EMPTY = "没有记录。", "No entries.";
    WHEN = "时间", "When";
    WHO = "人员", "Who";
    ACTION = "操作", "Action";
    APPLICATION = "申请", "Application";
    DETAIL = "详情", "Detail";
    AUDIT_LOGIN = "登录", "Signed in";
    AUDIT_LOGIN_FAILED = "登录失败", "Failed sign-in";
    AUDIT_LOGOUT = "退出登录", "Signed out";
    AUDIT_INSPECTION = "记录现场核查", "Recorded an on-site inspection";
    AUDIT_ACCESS_DENIED = "拒绝访问", "Access refused";
    AUDIT_VIEW = "查看申请", "Opened the application";
}

pub fn application_status(status: ApplicationStatus) -> Text {
    match status {
        ApplicationStatus::Received => STATUS_RECEIVED,
        ApplicationStatus::UnderReview => STATUS_UNDER_REVIEW,
        ApplicationStatus::CorrectionRequested => STATUS_CORRECTION_REQUESTED,
        ApplicationStatus::Issued => STATUS_ISSUED,
        ApplicationStatus::Revoked => STATUS_REVOKED,
        ApplicationStatus::Rejected => STATUS_REJECTED,
        ApplicationStatus::Withdrawn => STATUS_WITHDRAWN,
        ApplicationStatus::Cancelled => STATUS_CANCELLED,
    }
}

pub fn permit_status(status: PermitStatus) -> Text {
    match status {
        PermitStatus::UnderReview => STATUS_UNDER_REVIEW,
        PermitStatus::CorrectionRequested => STATUS_CORRECTION_REQUESTED,
        PermitStatus::Approved => STATUS_APPROVED,
        PermitStatus::GrantedOnCommitment => STATUS_GRANTED_ON_COMMITMENT,
        PermitStatus::Rejected => STATUS_REJECTED,
        PermitStatus::Dropped => STATUS_DROPPED,
        PermitStatus::Withdrawn => STATUS_WITHDRAWN,
    }
}

pub fn mode(mode: GrantMode) -> Text {
    match mode {
        GrantMode::Commitment => MODE_COMMITMENT,
        GrantMode::Review => MODE_REVIEW,
    }
}

pub fn urgency(urgency: Urgency) -> Text {
    match urgency {
        Urgency::Overdue => OVERDUE,
        Urgency::DueSoon => DUE_SOON,
        Urgency::New => NEW,
    }
}

pub fn inspection_result(result: InspectionResult) -> Text {
    match result {
        InspectionResult::Passed => PASSED,
        InspectionResult::Failed => FAILED,
    }
}

pub fn event(event: TimelineEvent) -> Text {
    match event {
        TimelineEvent::Received => EVENT_RECEIVED,
        TimelineEvent::Accepted => EVENT_ACCEPTED,
        TimelineEvent::GrantedOnCommitment => EVENT_GRANTED_ON_COMMITMENT,
        TimelineEvent::CorrectionRequested => EVENT_CORRECTION_REQUESTED,
        TimelineEvent::RevisionReceived => EVENT_REVISION_RECEIVED,
        TimelineEvent::InspectionRecorded => EVENT_INSPECTION_RECORDED,
        TimelineEvent::Approved => EVENT_APPROVED,
        TimelineEvent::Rejected => EVENT_REJECTED,
        TimelineEvent::PermitDropped => EVENT_PERMIT_DROPPED,
        TimelineEvent::Withdrawn => EVENT_WITHDRAWN,
        TimelineEvent::Issued => EVENT_ISSUED,
        TimelineEvent::Revoked => EVENT_REVOKED,
    }
}

/// What a failed call means, in words of the reader's language: by the error's code where the
/// office knows it, else by the HTTP status. Never the server's message text.
pub fn error(error: &ApiError, lang: Lang) -> String {
    let text = match error {
        ApiError::Network => ERR_NETWORK,
        ApiError::Unreadable => ERR_UNREADABLE,
        ApiError::Server {
            retry_after: Some(seconds),
            status: 429,
            ..
        } => {
            return format!(
                "{}{seconds}{}",
                ERR_TOO_MANY_BEFORE.get(lang),
                ERR_TOO_MANY_AFTER.get(lang)
            );
        }
        ApiError::Server { status, code, .. } => match (code.as_str(), status) {
            ("invalid_credentials", _) => ERR_CREDENTIALS,
            ("inspection_required", _) => ERR_INSPECTION_FIRST,
            ("already_checked", _) => ERR_ALREADY_CHECKED,
            ("version_changed" | "license_not_valid", 409) => ERR_LICENSE_MOVED,
            ("invalid_until", _) => SUSPEND_UNTIL_MISSING,
            ("revoked" | "suspended" | "cancelled" | "superseded", 409) => ERR_NOT_IN_FORCE,
            ("too_many_attempts", _) | (_, 429) => ERR_TOO_MANY,
            ("not_signed_in" | "unauthorized", _) | (_, 401) => SESSION_ENDED,
            ("forbidden", _) | (_, 403) => ERR_FORBIDDEN,
            ("not_pending", _) | (_, 409) => ERR_NOT_PENDING,
            ("not_found", _) | (_, 404) => ERR_NOT_FOUND,
            (_, 400 | 413 | 415 | 422) => ERR_INVALID,
            _ => ERR_SERVER,
        },
    };
    text.get(lang).to_owned()
}

#[cfg(test)]
mod tests {
    use contract::FieldIssues;

    use super::*;

    fn server(status: u16, code: &str, retry_after: Option<u32>) -> ApiError {
        ApiError::Server {
            status,
            code: code.into(),
            retry_after,
            fields: FieldIssues::new(),
        }
    }

    #[test]
    fn errors_read_as_words_never_as_codes() {
        let cases = [
            (server(401, "invalid_credentials", None), ERR_CREDENTIALS.en),
            (server(401, "not_signed_in", None), SESSION_ENDED.en),
            (server(403, "forbidden", None), ERR_FORBIDDEN.en),
            (server(409, "not_pending", None), ERR_NOT_PENDING.en),
            (
                server(409, "inspection_required", None),
                ERR_INSPECTION_FIRST.en,
            ),
            (server(404, "not_found", None), ERR_NOT_FOUND.en),
            (server(409, "already_checked", None), ERR_ALREADY_CHECKED.en),
            (server(409, "revoked", None), ERR_NOT_IN_FORCE.en),
            (server(409, "version_changed", None), ERR_LICENSE_MOVED.en),
            (server(422, "invalid_until", None), SUSPEND_UNTIL_MISSING.en),
            (server(422, "invalid_decision", None), ERR_INVALID.en),
            (server(500, "internal", None), ERR_SERVER.en),
            (server(429, "too_many_attempts", None), ERR_TOO_MANY.en),
            (ApiError::Network, ERR_NETWORK.en),
            (ApiError::Unreadable, ERR_UNREADABLE.en),
        ];
        for (error, words) in cases {
            assert_eq!(super::error(&error, Lang::En), words, "{error:?}");
        }
    }

    #[test]
    fn too_many_attempts_says_how_long_to_wait() {
        let error = server(429, "too_many_attempts", Some(32));
        assert_eq!(
            super::error(&error, Lang::En),
            "Too many attempts. Try again in 32 seconds."
        );
        assert_eq!(
            super::error(&error, Lang::Zh),
            "尝试次数过多，请在 32 秒后再试。"
        );
    }
}
