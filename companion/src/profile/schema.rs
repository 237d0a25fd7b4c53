//! The JSON Resume schema check, with the vendored official schema (draft-07).

use std::sync::LazyLock;

use jsonschema::Validator;
use shared::profile::{FieldError, Problems};

const SCHEMA: &str = include_str!("../../assets/json-resume-schema.json");
/// Long enough to say what is wrong; a huge offending value is not echoed whole.
const MAX_MESSAGE_CHARS: usize = 300;

// `format` is an annotation in draft-07, and the official test suite treats it so (its
// valid fixtures include `"$schema": "foo-bar-baz"`), so formats are not asserted here.
static VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value =
        serde_json::from_str(SCHEMA).map_err(|e| format!("vendored schema: {e}"))?;
    jsonschema::draft7::options()
        .should_validate_formats(false)
        .build(&schema)
        .map_err(|e| format!("vendored schema: {e}"))
});

/// Every place where `resume` breaks the JSON Resume schema, with paths such as
/// `basics.profiles[0].url` (empty for the document itself).
pub fn validate_resume(resume: &serde_json::Value) -> crate::error::Result<Result<(), Problems>> {
    let validator = VALIDATOR
        .as_ref()
        .map_err(|e| crate::error::Error::Internal(e.clone()))?;
    let problems: Vec<FieldError> = validator
        .iter_errors(resume)
        .map(|error| {
            let mut message = error.to_string();
            if message.chars().count() > MAX_MESSAGE_CHARS {
                message = message.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
            }
            FieldError {
                path: dotted_path(&error.instance_path().to_string()),
                message,
            }
        })
        .collect();
    Ok(if problems.is_empty() {
        Ok(())
    } else {
        Err(Problems(problems))
    })
}

/// `/basics/profiles/0/url` -> `basics.profiles[0].url`, the form the answer bank's errors
/// use too.
pub fn dotted_path(pointer: &str) -> String {
    let mut path = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{token}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&token);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_become_dotted_paths() {
        assert_eq!(dotted_path(""), "");
        assert_eq!(dotted_path("/basics"), "basics");
        assert_eq!(
            dotted_path("/basics/profiles/0/url"),
            "basics.profiles[0].url"
        );
        assert_eq!(
            dotted_path("/education/1/courses/0"),
            "education[1].courses[0]"
        );
        assert_eq!(dotted_path("/a~1b/c~0d"), "a/b.c~d");
    }

    #[test]
    fn errors_name_the_field() {
        let resume = json!({"basics": {"name": 5, "profiles": [{"url": null}]}});
        let Err(Problems(problems)) = validate_resume(&resume).expect("schema loads") else {
            panic!("accepted");
        };
        let mut paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["basics.name", "basics.profiles[0].url"]);
        assert!(validate_resume(&json!({})).expect("schema loads").is_ok());
    }
}
