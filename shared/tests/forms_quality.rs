//! The planner on the committed snapshots of saved application forms (real Greenhouse, Lever,
//! Ashby and Workday pages, synthetic fixtures, and pages written for vendors the corpus lacks),
//! against labels written by hand in tests/forms/labels.json for tests/forms/profile.json.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use shared::forms::{FieldType, FormPlan, FormSnapshot, Profile, plan};

#[derive(Deserialize)]
struct Label {
    selector: String,
    #[serde(rename = "type")]
    field_type: FieldType,
    /// `None`: the field must stay without a value (unknown, a draft to write, never filled).
    value: Option<String>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/forms")
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn snapshots() -> Vec<(String, FormSnapshot)> {
    let mut out: Vec<(String, FormSnapshot)> = fs::read_dir(dir().join("snapshots"))
        .expect("snapshots folder")
        .map(|entry| entry.expect("entry").path())
        .map(|path| {
            let name = path
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, read(&path))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn labels() -> BTreeMap<String, Vec<Label>> {
    read(&dir().join("labels.json"))
}

#[derive(Default)]
struct Score {
    fields: usize,
    type_right: usize,
    right: usize,
    required: usize,
    required_answered: usize,
    wrong: Vec<String>,
}

fn score(form: &str, plan: &FormPlan, labels: &[Label]) -> Score {
    let mut score = Score::default();
    assert_eq!(
        plan.fields.len(),
        labels.len(),
        "{form}: every field of the snapshot is labelled, in order"
    );
    for (field, label) in plan.fields.iter().zip(labels) {
        assert_eq!(
            field.selector, label.selector,
            "{form}: labels follow the snapshot's order"
        );
        let value = field.value.as_ref().map(|v| v.display());
        score.fields += 1;
        let type_right = field.field_type == label.field_type;
        score.type_right += usize::from(type_right);
        if type_right && value == label.value {
            score.right += 1;
        } else {
            score.wrong.push(format!(
                "{form} {}: planned {:?} {:?}, labelled {:?} {:?}",
                field.selector, field.field_type, value, label.field_type, label.value
            ));
        }
        if field.required && field.field_type != FieldType::Honeypot {
            score.required += 1;
            score.required_answered += usize::from(value.is_some());
        }
    }
    score
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

#[test]
fn the_planner_meets_the_quality_goal_on_every_labelled_form() {
    let profile: Profile = read(&dir().join("profile.json"));
    let labels = labels();
    let mut total = Score::default();
    println!("| form | fields | type right | type + value right | required answered |");
    println!("|---|---|---|---|---|");
    for (form, snapshot) in snapshots() {
        let form_labels = labels
            .get(&form)
            .unwrap_or_else(|| panic!("{form} has no labels"));
        let plan = plan(&snapshot, &profile);
        let score = score(&form, &plan, form_labels);
        println!(
            "| {form} | {} | {} | {} | {} of {} |",
            score.fields,
            percent(score.type_right, score.fields),
            percent(score.right, score.fields),
            score.required_answered,
            score.required,
        );
        // Identity and contact fields are never allowed to be wrong.
        for (field, label) in plan.fields.iter().zip(form_labels) {
            if label.field_type.is_identity_or_contact() {
                assert_eq!(
                    field.field_type, label.field_type,
                    "{form} {}",
                    label.selector
                );
                assert_eq!(
                    field.value.as_ref().map(|v| v.display()),
                    label.value,
                    "{form} {}",
                    label.selector
                );
            }
        }
        total.fields += score.fields;
        total.type_right += score.type_right;
        total.right += score.right;
        total.required += score.required;
        total.required_answered += score.required_answered;
        total.wrong.extend(score.wrong);
    }
    println!(
        "| all | {} | {} | {} | {} of {} |",
        total.fields,
        percent(total.type_right, total.fields),
        percent(total.right, total.fields),
        total.required_answered,
        total.required,
    );
    for wrong in &total.wrong {
        println!("wrong: {wrong}");
    }
    assert!(
        total.right * 100 >= total.fields * 95,
        "{} of {} fields right: {:#?}",
        total.right,
        total.fields,
        total.wrong
    );
}

#[test]
fn a_profile_with_only_a_name_and_an_email_invents_nothing() {
    let profile: Profile = read(&dir().join("minimal-profile.json"));
    for (form, snapshot) in snapshots() {
        for field in plan(&snapshot, &profile).fields {
            let from_name_or_email = matches!(
                field.field_type,
                FieldType::FirstName
                    | FieldType::LastName
                    | FieldType::FullName
                    | FieldType::PreferredName
                    | FieldType::Email
            );
            assert!(
                field.value.is_none() || from_name_or_email,
                "{form} {} ({:?}) got {:?} from {:?}",
                field.selector,
                field.field_type,
                field.value,
                field.source
            );
        }
    }
}
