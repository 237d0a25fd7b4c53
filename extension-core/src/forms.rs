//! The form planner for the in-tab assist: the same `shared::forms::plan` the companion runs.

use serde::Serialize;
use shared::forms::{FormSnapshot, Profile};
use wasm_bindgen::prelude::*;

/// `planForm(snapshot, profile)`: the snapshot script's result and `{resume, answers,
/// freeAnswers, hasResumePdf}` give the plan, as the companion's `forms plan --json` prints it.
#[wasm_bindgen(js_name = planForm)]
pub fn plan_form(snapshot: JsValue, profile: JsValue) -> Result<JsValue, JsError> {
    let snapshot: FormSnapshot = serde_wasm_bindgen::from_value(snapshot)
        .map_err(|e| JsError::new(&format!("not a form snapshot: {e}")))?;
    let profile: Profile = serde_wasm_bindgen::from_value(profile)
        .map_err(|e| JsError::new(&format!("not a profile: {e}")))?;
    let plan = shared::forms::plan(&snapshot, &profile);
    // json_compatible: an unknown value is `null`, not `undefined`, as in the JSON plan.
    plan.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}
