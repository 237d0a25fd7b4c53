//! Whether a person can see a field. The planner never fills one they cannot: a page that
//! hides labelled inputs (a gender, a phone, a salary) must not collect those answers.
//!
//! A field is seen when the control itself shows, or what stands for it does: the label of a
//! styled checkbox or radio, the upload button or label of a styled file input, the combobox
//! of a select the page replaced with its own widget. A text field has no stand-in: its answer
//! shows only in the field itself, so a visible label above a hidden box still hides it.

use serde::{Deserialize, Serialize};

use super::snapshot::{ControlKind, SnapshotField};

/// Narrower or lower than this (CSS px, of what clipping leaves) shows nothing to read or click.
const MIN_SIDE: f64 = 4.0;
/// Fainter than this (its own opacity times its ancestors') reads as transparent.
const MIN_OPACITY: f64 = 0.1;

/// How an element shows on the page, as `extension/form-snapshot.js` measures it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Look {
    /// Laid out (no `display: none` on it or an ancestor, no `hidden` attribute, no
    /// `content-visibility: hidden` ancestor) and `visibility: visible`.
    pub rendered: bool,
    /// CSS px of its border box that ancestors' overflow and the edges of the page (what scrolling
    /// can reach: nothing left of or above it) leave. Below the fold counts.
    pub width: f64,
    pub height: f64,
    /// Its own opacity times every ancestor's.
    pub opacity: f64,
    /// Inside an `aria-hidden="true"` or `inert` subtree.
    pub aria_hidden: bool,
    /// Scrolled to, no point of it receives a click: another element lies over it (a fixed or
    /// sticky bar does not count: scrolling moves the field from under it) or `clip` or
    /// `clip-path` cut it away.
    pub covered: bool,
}

impl Look {
    pub fn shows(&self) -> bool {
        self.rendered
            && !self.aria_hidden
            && !self.covered
            && self.opacity >= MIN_OPACITY
            && self.width >= MIN_SIDE
            && self.height >= MIN_SIDE
    }
}

/// A field the snapshot did not measure (an older snapshot) counts as seen.
pub fn visible(field: &SnapshotField) -> bool {
    field.look.as_ref().is_none_or(Look::shows)
        || (shows_elsewhere(field.kind) && field.stand_ins.iter().any(Look::shows))
}

/// Hidden, yet laid out on the page: placed out of reach, clipped, transparent or covered. A real
/// question is never hidden that way while the rest of the form shows (a conditional one is not
/// laid out at all), so it is a trap for bots.
pub fn placed_out_of_sight(field: &SnapshotField) -> bool {
    !visible(field) && field.look.as_ref().is_some_and(|look| look.rendered)
}

/// Controls whose state a person sees and sets through what stands for them; a typed answer
/// shows only in the box it is typed into.
fn shows_elsewhere(kind: ControlKind) -> bool {
    kind.is_choice() || matches!(kind, ControlKind::File | ControlKind::Checkbox)
}
