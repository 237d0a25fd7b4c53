//! What `extension/form-snapshot.js` reports about a page: the planner's only input from it.

use serde::{Deserialize, Serialize};

use super::sight::Look;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FormSnapshot {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub fields: Vec<SnapshotField>,
    #[serde(default)]
    pub blockers: Vec<Blocker>,
}

/// One fillable control, or one group of radio buttons / checkboxes sharing a name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnapshotField {
    /// Finds the control (for a group: every member) with `querySelectorAll`.
    pub selector: String,
    pub kind: ControlKind,
    #[serde(default)]
    pub tag: String,
    pub input_type: Option<String>,
    pub name: Option<String>,
    pub id: Option<String>,
    /// The label a person sees; empty when the page gives none.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub label_sources: LabelSources,
    pub description: Option<String>,
    pub autocomplete: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub multiple: bool,
    pub accept: Option<String>,
    pub max_length: Option<u32>,
    /// How the control shows; absent when the snapshot did not measure it.
    pub look: Option<Look>,
    /// How what stands for a control the page hides behind its own widget shows: a styled
    /// checkbox's label, a file input's upload button, a replaced select's combobox, the other
    /// members of a radio or checkbox group. Whether a field is seen: `sight::visible`.
    #[serde(default)]
    pub stand_ins: Vec<Look>,
    /// A trap for bots: never filled.
    #[serde(default)]
    pub honeypot: bool,
    #[serde(default)]
    pub options: Vec<FieldOption>,
}

/// Every place a label was looked for, so the planner can weigh them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSources {
    pub labelled_by: String,
    pub label_for: String,
    pub aria_label: String,
    pub legend: String,
    pub nearby: String,
    pub placeholder: String,
    pub title: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    Text,
    Email,
    Tel,
    Url,
    Number,
    Date,
    Month,
    Password,
    Textarea,
    Select,
    /// A typed-into list (react-select, ARIA combobox); its options may appear only when opened.
    Combobox,
    Radio,
    RadioGroup,
    Checkbox,
    CheckboxGroup,
    /// Option buttons (a yes/no switch) storing their answer in a hidden control.
    ButtonGroup,
    File,
    Contenteditable,
}

impl ControlKind {
    /// Picks one of the offered options rather than taking typed text.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            ControlKind::Select
                | ControlKind::Combobox
                | ControlKind::Radio
                | ControlKind::RadioGroup
                | ControlKind::CheckboxGroup
                | ControlKind::ButtonGroup
        )
    }

    pub fn is_free_text(self) -> bool {
        matches!(self, ControlKind::Textarea | ControlKind::Contenteditable)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldOption {
    pub value: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blocker {
    pub kind: BlockerKind,
    #[serde(default)]
    pub detail: String,
    /// A captcha that shows nothing to solve (reCAPTCHA v3's badge, an invisible widget, a
    /// response field only): it asks nothing of a person before Submit, though the site may
    /// still show a challenge after the click.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
}

impl Blocker {
    /// No unattended apply gets past it; an invisible captcha asks nothing before Submit.
    pub fn needs_a_person(&self) -> bool {
        self.kind.needs_a_person() && !self.invisible
    }

    /// A captcha with something to solve on the page now.
    pub fn challenge(&self) -> bool {
        self.kind == BlockerKind::Captcha && !self.invisible
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BlockerKind {
    Captcha,
    LoginWall,
    AccountCreation,
    MultiPage,
    Honeypot,
    NoForm,
}

impl BlockerKind {
    /// No unattended apply gets past it: a person has to act (solve, sign in, find the form).
    pub fn needs_a_person(self) -> bool {
        matches!(
            self,
            BlockerKind::Captcha
                | BlockerKind::LoginWall
                | BlockerKind::AccountCreation
                | BlockerKind::NoForm
        )
    }
}
