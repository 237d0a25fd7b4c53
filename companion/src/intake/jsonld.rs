//! schema.org `JobPosting` (JSON-LD, as job sites embed it and the extension sends it) to a
//! [`RawPosting`].

use serde_json::Value;
use shared::api::Source;

use super::RawPosting;

/// How deep `@graph` and list nesting is followed.
const MAX_DEPTH: usize = 6;

/// The first `JobPosting` in a JSON-LD document: the object itself, an element of a list,
/// or a node of an `@graph`.
pub fn find_job_posting(document: &Value) -> Option<&Value> {
    find_at(document, 0)
}

fn find_at(value: &Value, depth: usize) -> Option<&Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|item| find_at(item, depth + 1)),
        Value::Object(object) => {
            if is_job_posting(value) {
                return Some(value);
            }
            object
                .get("@graph")
                .and_then(|graph| find_at(graph, depth + 1))
        }
        _ => None,
    }
}

pub fn is_job_posting(value: &Value) -> bool {
    match value.get("@type") {
        Some(Value::String(kind)) => kind == "JobPosting",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "JobPosting"),
        _ => false,
    }
}

/// Maps the fields the intake keeps; missing ones stay empty for the caller to check.
pub fn to_raw(posting: &Value, source: Source) -> RawPosting {
    let (salary_min, salary_max, salary_currency) = salary(posting.get("baseSalary"));
    RawPosting {
        source,
        url: text(posting.get("url")),
        external_id: identifier(posting.get("identifier")),
        company: organisation(posting.get("hiringOrganization")).unwrap_or_default(),
        title: text(posting.get("title")).unwrap_or_default(),
        location: location(posting.get("jobLocation")),
        remote: is_remote(posting),
        salary_min,
        salary_max,
        salary_currency,
        description_html: text(posting.get("description")).unwrap_or_default(),
        posted_at: text(posting.get("datePosted")).and_then(|d| super::dates::parse_ms(&d)),
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items.iter().find_map(|item| text(Some(item))),
        _ => None,
    }
}

fn organisation(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(_) => text(value?.get("name")),
        Value::Array(items) => items.iter().find_map(|item| organisation(Some(item))),
        other => text(Some(other)),
    }
}

fn identifier(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(_) => text(value?.get("value")),
        other => text(Some(other)),
    }
}

/// "Locality, Region, Country" of the first place (several places are joined with "; ").
fn location(value: Option<&Value>) -> Option<String> {
    let places: Vec<String> = match value? {
        Value::Array(items) => items.iter().filter_map(place).collect(),
        single => place(single).into_iter().collect(),
    };
    (!places.is_empty()).then(|| places.join("; "))
}

fn place(value: &Value) -> Option<String> {
    let address = match value {
        Value::String(s) => return Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Object(_) => value.get("address").unwrap_or(value),
        _ => return None,
    };
    if let Value::String(s) = address {
        return Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    }
    let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
        .iter()
        .filter_map(|key| {
            let part = address.get(*key)?;
            text(Some(part)).or_else(|| text(part.get("name")))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn is_remote(posting: &Value) -> bool {
    let telecommute = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("TELECOMMUTE"))
    };
    match posting.get("jobLocationType") {
        Some(Value::Array(items)) => items.iter().any(telecommute),
        Some(single) => telecommute(single),
        None => false,
    }
}

/// `MonetaryAmount` with a `QuantitativeValue` (min/max or one value) or a bare number;
/// whole currency units.
fn salary(value: Option<&Value>) -> (Option<i64>, Option<i64>, Option<String>) {
    let Some(amount) = value else {
        return (None, None, None);
    };
    let currency = text(amount.get("currency"));
    let quantity = amount.get("value").unwrap_or(amount);
    let number = |v: Option<&Value>| -> Option<i64> {
        let v = v?;
        let n = v
            .as_f64()
            .or_else(|| v.as_str()?.replace(',', "").trim().parse().ok())?;
        (n.is_finite() && n >= 0.0).then(|| n.round() as i64)
    };
    let (min, max) = match quantity {
        Value::Object(_) => {
            let single = number(quantity.get("value"));
            (
                number(quantity.get("minValue")).or(single),
                number(quantity.get("maxValue")).or(single),
            )
        }
        other => {
            let single = number(Some(other));
            (single, single)
        }
    };
    (min, max, currency)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_full_job_posting_maps() {
        let document = json!({
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "name": "Jobs"},
                {
                    "@type": "JobPosting",
                    "title": "Senior Rust Engineer",
                    "hiringOrganization": {"@type": "Organization", "name": "Acme"},
                    "jobLocation": [
                        {"@type": "Place", "address": {"@type": "PostalAddress",
                            "addressLocality": "Berlin", "addressCountry": {"name": "DE"}}},
                        {"@type": "Place", "address": {"addressLocality": "Paris"}}
                    ],
                    "jobLocationType": "TELECOMMUTE",
                    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
                        "value": {"@type": "QuantitativeValue", "minValue": 80000,
                                  "maxValue": "95,000", "unitText": "YEAR"}},
                    "datePosted": "2026-11-01",
                    "description": "<p>Build things</p>",
                    "url": "https://jobs.example.com/1",
                    "identifier": {"@type": "PropertyValue", "value": "R-42"}
                }
            ]
        });
        let posting = find_job_posting(&document).expect("found in @graph");
        let raw = to_raw(posting, Source::Extension);
        assert_eq!(raw.title, "Senior Rust Engineer");
        assert_eq!(raw.company, "Acme");
        assert_eq!(raw.location.as_deref(), Some("Berlin, DE; Paris"));
        assert!(raw.remote);
        assert_eq!(
            (raw.salary_min, raw.salary_max),
            (Some(80_000), Some(95_000))
        );
        assert_eq!(raw.salary_currency.as_deref(), Some("EUR"));
        assert_eq!(raw.posted_at, Some(1_793_491_200_000));
        assert_eq!(raw.url.as_deref(), Some("https://jobs.example.com/1"));
        assert_eq!(raw.external_id.as_deref(), Some("R-42"));
    }

    #[test]
    fn lists_and_type_arrays_are_searched() {
        let document =
            json!([{"@type": "Organization"}, {"@type": ["Thing", "JobPosting"], "title": "X"}]);
        assert_eq!(
            find_job_posting(&document).and_then(|p| p.get("title")),
            Some(&json!("X"))
        );
        assert!(find_job_posting(&json!({"@type": "Organization"})).is_none());
    }

    #[test]
    fn a_single_salary_value_is_both_ends() {
        let (min, max, _) = salary(Some(&json!({"value": {"value": 50000}})));
        assert_eq!((min, max), (Some(50_000), Some(50_000)));
        assert_eq!(salary(Some(&json!(-5))), (None, None, None));
    }
}
