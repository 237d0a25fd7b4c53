#![cfg(target_arch = "wasm32")]
//! The WASM planner gives, for every labelled form snapshot, exactly the plan the native build
//! committed in shared/tests/forms/plans (checked there by `the_committed_plans_are_the_native_plans`).

use extension_core::plan_form;
use js_sys::{JSON, Reflect};
use shared::forms::FormPlan;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! form {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                "../../shared/tests/forms/snapshots/",
                $name,
                ".json"
            )),
            include_str!(concat!("../../shared/tests/forms/plans/", $name, ".json")),
        )
    };
}

const PROFILE: &str = include_str!("../../shared/tests/forms/profile.json");

fn parse(json: &str) -> JsValue {
    JSON::parse(json).expect("JSON")
}

#[wasm_bindgen_test]
fn the_wasm_plan_of_every_form_is_the_native_plan() {
    let forms = [
        form!("17nbist_ashbyhq"),
        form!("17nbist_greenhouse"),
        form!("17nbist_lever"),
        form!("17nbist_workday"),
        form!("DanielWHX_offerops__greenhouse_application"),
        form!("Molhm01_internship-application-agent__greenhouse-full"),
        form!("Molhm01_internship-application-agent__greenhouse"),
        form!("Molhm01_internship-application-agent__lab_icims-account-creation"),
        form!("Molhm01_internship-application-agent__lever"),
        form!("Molhm01_internship-application-agent__workday"),
        form!("vendor_heldout_bamboo_like"),
        form!("vendor_smartrecruiters_like"),
        form!("vendor_wizard_like"),
        form!("vendor_workable_like"),
    ];
    for (name, snapshot, native) in forms {
        let planned = plan_form(parse(snapshot), parse(PROFILE)).expect("a plan");
        let planned: String = JSON::stringify(&planned).expect("stringify").into();
        // As plans, not as JSON text: JavaScript writes 0.0 as 0.
        let planned: FormPlan = serde_json::from_str(&planned).expect("plan JSON");
        let native: FormPlan = serde_json::from_str(native).expect("native plan JSON");
        assert_eq!(planned, native, "{name}");
    }
}

#[wasm_bindgen_test]
fn a_malformed_snapshot_is_refused_with_a_sentence() {
    let refused =
        plan_form(parse(r#"{"fields": [{"kind": "slider"}]}"#), parse("{}")).expect_err("refused");
    let message = Reflect::get(&JsValue::from(refused), &"message".into()).expect("message");
    let message = message.as_string().expect("text");
    assert!(message.starts_with("not a form snapshot"), "{message}");
}
