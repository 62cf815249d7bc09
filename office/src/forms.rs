//! What a reviewer types into the decision and inspection forms, and the request it makes —
//! or what is missing, said per input. Pure, so the rules are tested natively; the server
//! checks them again.

use contract::{
    CheckFinding, Consequence, Decision, FieldIssue, FieldIssues, Inspection, InspectionResult,
    Text,
};

use crate::i18n;

/// Which decision is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Approve,
    RequestCorrection,
    Reject,
}

/// One item of the application the reviewer asks to have corrected.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Correction {
    pub asked: bool,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DecisionForm {
    pub choice: Option<Choice>,
    pub conditions_zh: String,
    pub conditions_en: String,
    /// By field id, in the order the application view lists the fields.
    pub corrections: Vec<(String, Correction)>,
    pub reason_zh: String,
    pub reason_en: String,
    pub appeal_zh: String,
    pub appeal_en: String,
}

/// A problem with what was typed: the DOM id of the input to fix (the error summary links
/// to it), and what is wrong. `detail` is a field's label, when the words name one.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub input: String,
    pub text: i18n::Text,
    pub detail: Option<Text>,
}

fn problem(input: String, text: i18n::Text) -> Problem {
    Problem {
        input,
        text,
        detail: None,
    }
}

fn both(zh: &str, en: &str) -> Option<Text> {
    let (zh, en) = (zh.trim(), en.trim());
    (!zh.is_empty() && !en.is_empty()).then(|| Text::new(zh, en))
}

/// The DOM id of an input of the form for `permit`; one page shows a form per permit.
pub fn input_id(permit: &str, name: &str) -> String {
    format!("{permit}-{name}")
}

impl DecisionForm {
    /// A fresh form for a permit: every listed field unticked, the appeal route pre-filled
    /// with the catalog's.
    pub fn new(fields: impl Iterator<Item = String>, appeal: &Text) -> DecisionForm {
        DecisionForm {
            corrections: fields.map(|id| (id, Correction::default())).collect(),
            appeal_zh: appeal.zh.clone(),
            appeal_en: appeal.en.clone(),
            ..DecisionForm::default()
        }
    }

    /// The decision to send, or every problem with the form at once. `label` names a field
    /// by its id (for the message of a correction left without words).
    pub fn decision(
        &self,
        permit: &str,
        label: impl Fn(&str) -> Text,
    ) -> Result<Decision, Vec<Problem>> {
        let id = |name: &str| input_id(permit, name);
        match self.choice {
            None => Err(vec![problem(id("approve"), i18n::CHOOSE_DECISION)]),
            Some(Choice::Approve) => {
                let (zh, en) = (self.conditions_zh.trim(), self.conditions_en.trim());
                if zh.is_empty() && en.is_empty() {
                    return Ok(Decision::Approve { conditions: None });
                }
                match both(zh, en) {
                    Some(conditions) => Ok(Decision::Approve {
                        conditions: Some(conditions),
                    }),
                    None => Err(vec![problem(
                        id(if zh.is_empty() {
                            "conditions-zh"
                        } else {
                            "conditions-en"
                        }),
                        i18n::CONDITIONS_BOTH,
                    )]),
                }
            }
            Some(Choice::RequestCorrection) => {
                let mut messages = FieldIssues::new();
                let mut problems = Vec::new();
                for (field, correction) in self.corrections.iter().filter(|(_, c)| c.asked) {
                    match both(&correction.zh, &correction.en) {
                        Some(text) => {
                            messages.insert(
                                field.clone(),
                                FieldIssue::new("correction", text.zh, text.en),
                            );
                        }
                        None => problems.push(Problem {
                            input: id(&format!(
                                "{field}-{}",
                                if correction.zh.trim().is_empty() {
                                    "zh"
                                } else {
                                    "en"
                                }
                            )),
                            text: i18n::MESSAGE_MISSING,
                            detail: Some(label(field)),
                        }),
                    }
                }
                if messages.is_empty() && problems.is_empty() {
                    let first = self.corrections.first().map_or("", |(f, _)| f.as_str());
                    problems.push(problem(id(&format!("{first}-ask")), i18n::NO_FIELD_CHOSEN));
                }
                if problems.is_empty() {
                    Ok(Decision::RequestCorrection { messages })
                } else {
                    Err(problems)
                }
            }
            Some(Choice::Reject) => {
                let reason = both(&self.reason_zh, &self.reason_en);
                let appeal = both(&self.appeal_zh, &self.appeal_en);
                let mut problems = Vec::new();
                if reason.is_none() {
                    let which = if self.reason_zh.trim().is_empty() {
                        "reason-zh"
                    } else {
                        "reason-en"
                    };
                    problems.push(problem(id(which), i18n::REASON_MISSING));
                }
                if appeal.is_none() {
                    let which = if self.appeal_zh.trim().is_empty() {
                        "appeal-zh"
                    } else {
                        "appeal-en"
                    };
                    problems.push(problem(id(which), i18n::APPEAL_MISSING));
                }
                match (reason, appeal) {
                    (Some(reason), Some(appeal)) => Ok(Decision::Reject {
                        reason,
                        appeal: Some(appeal),
                    }),
                    _ => Err(problems),
                }
            }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct InspectionForm {
    pub date: String,
    pub inspector: String,
    pub result: Option<InspectionResult>,
    pub note: String,
}

impl InspectionForm {
    pub fn inspection(&self, permit: &str) -> Result<Inspection, Vec<Problem>> {
        let id = |name: &str| input_id(permit, name);
        let mut problems = Vec::new();
        let date = self.date.trim();
        if catalog::Date::parse(date).is_none() {
            problems.push(problem(id("inspection-date"), i18n::DATE_MISSING));
        }
        if self.inspector.trim().is_empty() {
            problems.push(problem(id("inspector"), i18n::INSPECTOR_MISSING));
        }
        let Some(result) = self.result.filter(|_| problems.is_empty()) else {
            if self.result.is_none() {
                problems.push(problem(id("passed"), i18n::RESULT_MISSING));
            }
            return Err(problems);
        };
        Ok(Inspection {
            date: date.to_owned(),
            inspector: self.inspector.trim().to_owned(),
            result,
            note: self.note.trim().to_owned(),
        })
    }
}

/// The result of a check after a commitment, as typed: honoured, or a false commitment with
/// the findings and the legal reason for revoking (both in Chinese and in English) and the
/// confirmation that the license is to be revoked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckForm {
    /// `Some(true)`: honoured; `Some(false)`: a false commitment.
    pub honoured: Option<bool>,
    pub findings_zh: String,
    pub findings_en: String,
    pub reason_zh: String,
    pub reason_en: String,
    /// A false commitment suspends the license until `until` (`YYYY-MM-DD`) instead of
    /// revoking it.
    pub suspend: bool,
    pub until: String,
    pub confirmed: bool,
}

/// The DOM ids of the check form's inputs (one such form per page).
pub mod check_input {
    pub const HONOURED: &str = "check-honoured";
    pub const FALSE: &str = "check-false";
    pub const FINDINGS_ZH: &str = "check-findings-zh";
    pub const FINDINGS_EN: &str = "check-findings-en";
    pub const REASON_ZH: &str = "check-reason-zh";
    pub const REASON_EN: &str = "check-reason-en";
    pub const REVOKE: &str = "check-revoke";
    pub const SUSPEND: &str = "check-suspend";
    pub const UNTIL: &str = "check-until";
    pub const CONFIRM: &str = "check-confirm";
}

impl CheckForm {
    /// The finding to send, or every problem with the form at once.
    pub fn finding(&self) -> Result<CheckFinding, Vec<Problem>> {
        use check_input as id;
        match self.honoured {
            None => Err(vec![problem(id::HONOURED.into(), i18n::CHOOSE_RESULT)]),
            Some(true) => Ok(CheckFinding::Honoured),
            Some(false) => {
                let mut problems = Vec::new();
                let findings = both(&self.findings_zh, &self.findings_en);
                if findings.is_none() {
                    let input = if self.findings_zh.trim().is_empty() {
                        id::FINDINGS_ZH
                    } else {
                        id::FINDINGS_EN
                    };
                    problems.push(problem(input.into(), i18n::FINDINGS_MISSING));
                }
                let reason = both(&self.reason_zh, &self.reason_en);
                if reason.is_none() {
                    let input = if self.reason_zh.trim().is_empty() {
                        id::REASON_ZH
                    } else {
                        id::REASON_EN
                    };
                    let missing = if self.suspend {
                        i18n::SUSPEND_REASON_MISSING
                    } else {
                        i18n::REVOKE_REASON_MISSING
                    };
                    problems.push(problem(input.into(), missing));
                }
                let until = self.until.trim();
                let consequence = if !self.suspend {
                    Consequence::Revocation
                } else if catalog::Date::parse(until).is_some() {
                    Consequence::Suspension {
                        until: until.to_owned(),
                    }
                } else {
                    problems.push(problem(id::UNTIL.into(), i18n::SUSPEND_UNTIL_MISSING));
                    Consequence::Revocation
                };
                if !self.confirmed {
                    let missing = if self.suspend {
                        i18n::CONFIRM_SUSPENSION_MISSING
                    } else {
                        i18n::CONFIRM_MISSING
                    };
                    problems.push(problem(id::CONFIRM.into(), missing));
                }
                match (findings, reason) {
                    (Some(findings), Some(legal_reason)) if problems.is_empty() => {
                        Ok(CheckFinding::FalseCommitment {
                            findings,
                            legal_reason,
                            consequence,
                        })
                    }
                    _ => Err(problems),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(id: &str) -> Text {
        Text::new(format!("{id}（中）"), id)
    }

    fn form() -> DecisionForm {
        DecisionForm::new(
            ["business_name", "premises_area"]
                .map(String::from)
                .into_iter(),
            &Text::new("复议", "Appeal"),
        )
    }

    #[test]
    fn nothing_chosen_asks_for_a_decision() {
        let problems = form().decision("food", label).unwrap_err();
        assert_eq!(problems[0].text, i18n::CHOOSE_DECISION);
        assert_eq!(problems[0].input, "food-approve");
    }

    #[test]
    fn approval_conditions_are_optional_but_in_both_languages() {
        let mut form = form();
        form.choice = Some(Choice::Approve);
        assert_eq!(
            form.decision("food", label),
            Ok(Decision::Approve { conditions: None })
        );
        form.conditions_zh = "每年自查".into();
        let problems = form.decision("food", label).unwrap_err();
        assert_eq!(problems[0].input, "food-conditions-en");
        form.conditions_en = " Inspect yourself yearly ".into();
        assert_eq!(
            form.decision("food", label),
            Ok(Decision::Approve {
                conditions: Some(Text::new("每年自查", "Inspect yourself yearly"))
            })
        );
    }

    #[test]
    fn a_correction_needs_a_ticked_field_with_words_in_both_languages() {
        let mut form = form();
        form.choice = Some(Choice::RequestCorrection);
        let problems = form.decision("food", label).unwrap_err();
        assert_eq!(problems[0].text, i18n::NO_FIELD_CHOSEN);
        assert_eq!(problems[0].input, "food-business_name-ask");

        form.corrections[1].1 = Correction {
            asked: true,
            zh: "请填写实际面积".into(),
            en: String::new(),
        };
        let problems = form.decision("food", label).unwrap_err();
        assert_eq!(problems[0].input, "food-premises_area-en");
        assert_eq!(problems[0].detail, Some(label("premises_area")));

        form.corrections[1].1.en = "Give the real floor area".into();
        // An unticked field's words are not sent.
        form.corrections[0].1.zh = "draft".into();
        let Ok(Decision::RequestCorrection { messages }) = form.decision("food", label) else {
            panic!("a correction");
        };
        assert_eq!(messages.iter().count(), 1);
        let message = messages.get("premises_area").unwrap();
        assert_eq!(
            (message.zh.as_str(), message.en.as_str()),
            ("请填写实际面积", "Give the real floor area")
        );
    }

    #[test]
    fn a_refusal_needs_the_reason_and_the_appeal_route() {
        let mut form = form();
        form.choice = Some(Choice::Reject);
        let problems = form.decision("food", label).unwrap_err();
        assert_eq!(problems.len(), 1, "the appeal route comes pre-filled");
        assert_eq!(problems[0].text, i18n::REASON_MISSING);
        form.reason_zh = "不符合条例第十条".into();
        form.reason_en = "Does not meet art. 10".into();
        form.appeal_en.clear();
        let problems = form.decision("food", label).unwrap_err();
        assert_eq!(problems[0].input, "food-appeal-en");
        form.appeal_en = "Appeal".into();
        assert_eq!(
            form.decision("food", label),
            Ok(Decision::Reject {
                reason: Text::new("不符合条例第十条", "Does not meet art. 10"),
                appeal: Some(Text::new("复议", "Appeal")),
            })
        );
    }

    #[test]
    fn an_inspection_needs_a_date_an_inspector_and_a_result() {
        let mut form = InspectionForm {
            date: "2026-13-01".into(),
            ..InspectionForm::default()
        };
        let problems = form.inspection("food").unwrap_err();
        let inputs: Vec<&str> = problems.iter().map(|p| p.input.as_str()).collect();
        assert_eq!(
            inputs,
            ["food-inspection-date", "food-inspector", "food-passed"]
        );
        form.date = "2026-12-01".into();
        form.inspector = " Li Ming ".into();
        form.result = Some(InspectionResult::Failed);
        assert_eq!(
            form.inspection("food"),
            Ok(Inspection {
                date: "2026-12-01".into(),
                inspector: "Li Ming".into(),
                result: InspectionResult::Failed,
                note: String::new(),
            })
        );
    }

    #[test]
    fn a_false_commitment_needs_findings_a_reason_and_the_confirmation() {
        use check_input as id;
        let inputs = |form: &CheckForm| -> Vec<String> {
            form.finding()
                .unwrap_err()
                .into_iter()
                .map(|p| p.input)
                .collect()
        };
        assert_eq!(inputs(&CheckForm::default()), [id::HONOURED]);
        let honoured = CheckForm {
            honoured: Some(true),
            ..CheckForm::default()
        };
        assert_eq!(honoured.finding(), Ok(CheckFinding::Honoured));
        let mut form = CheckForm {
            honoured: Some(false),
            findings_zh: "距学校不足50米".into(),
            reason_en: "art. 69".into(),
            ..CheckForm::default()
        };
        assert_eq!(inputs(&form), [id::FINDINGS_EN, id::REASON_ZH, id::CONFIRM]);
        form.findings_en = " Less than 50 m from a school ".into();
        form.reason_zh = "第六十九条".into();
        assert_eq!(inputs(&form), [id::CONFIRM]);
        form.confirmed = true;
        assert_eq!(
            form.finding(),
            Ok(CheckFinding::FalseCommitment {
                findings: Text::new("距学校不足50米", "Less than 50 m from a school"),
                legal_reason: Text::new("第六十九条", "art. 69"),
                consequence: Consequence::Revocation,
            })
        );
        // A suspension needs its last day, as a date.
        form.suspend = true;
        form.until = "next month".into();
        assert_eq!(inputs(&form), [id::UNTIL]);
        form.until = " 2027-01-31 ".into();
        assert_eq!(
            form.finding().map(|f| match f {
                CheckFinding::FalseCommitment { consequence, .. } => consequence,
                CheckFinding::Honoured => Consequence::Revocation,
            }),
            Ok(Consequence::Suspension {
                until: "2027-01-31".into()
            })
        );
    }
}
