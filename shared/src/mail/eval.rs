//! Scoring the classifier against a labelled corpus (`labels.csv`: columns `file`,
//! `category`, `company`; more columns are ignored).

use std::fmt::Write as _;

use super::category::Category;
use super::company::key;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: String,
    pub category: Category,
    /// Accepted company names ("A|B" in the file means either); empty when none is named.
    pub companies: Vec<String>,
}

/// Reads the labels; a line that cannot be read is an error naming it.
pub fn read_labels(csv: &str) -> Result<Vec<Label>, String> {
    let mut rows = csv.lines().filter(|l| !l.trim().is_empty()).map(split_csv);
    let header = rows.next().ok_or("the labels file is empty")?;
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(format!("the labels file has no {name:?} column"))
    };
    let (file, category, company) = (column("file")?, column("category")?, column("company")?);
    rows.enumerate()
        .map(|(line, row)| {
            let cell = |i: usize| row.get(i).map_or("", |s| s.trim());
            Ok(Label {
                file: cell(file).to_owned(),
                category: cell(category)
                    .parse()
                    .map_err(|e| format!("labels line {}: {e}", line + 2))?,
                companies: cell(company)
                    .split('|')
                    .map(anonymised)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })
        .collect()
}

/// "[anonymised: Company_X]" is written `Company_X` by the classifier.
fn anonymised(name: &str) -> &str {
    let name = name.trim();
    name.strip_prefix("[anonymised:")
        .and_then(|rest| rest.strip_suffix(']'))
        .map_or(name, str::trim)
}

/// One CSV record (quoted fields with doubled quotes; no newlines inside fields).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("never empty");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => field.push(c),
        }
    }
    fields
}

/// Whether a predicted company names the labelled one: the same words (legal suffixes and
/// "The" aside), a run of the label's words ("Raytheon Technologies" for "Raytheon
/// Technologies (RTX)", "TJX" for "The TJX Companies"), or the same letters without spaces
/// ("Acmerobotics" for "Acme Robotics").
pub fn company_matches(expected: &[String], predicted: Option<&str>) -> bool {
    let Some(predicted) = predicted else {
        return false;
    };
    let got = key(predicted);
    !got.is_empty()
        && expected.iter().any(|e| {
            let want = key(e);
            format!(" {want} ").contains(&format!(" {got} "))
                || got.replace(' ', "") == want.replace(' ', "")
        })
}

/// One message's result next to its label.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub label: Label,
    pub category: Category,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategoryScore {
    pub category: Category,
    pub support: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The figures of one classifier (or of the majority-class baseline).
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub per_category: Vec<CategoryScore>,
    pub macro_f1: f64,
    pub accuracy: f64,
    pub rejection_recall: f64,
    /// Share of mail labelled `other` that was called a rejection, interview or offer.
    pub other_called_job: f64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub messages: usize,
    pub classifier: Scores,
    pub baseline: Scores,
    pub baseline_category: Category,
    /// Right companies among messages whose label names one, and how many name one.
    pub company_right: usize,
    pub company_total: usize,
    pub misses: Vec<Outcome>,
}

impl Report {
    pub fn company_accuracy(&self) -> f64 {
        ratio(self.company_right, self.company_total)
    }

    pub fn new(outcomes: &[Outcome]) -> Self {
        let truth: Vec<Category> = outcomes.iter().map(|o| o.label.category).collect();
        let predicted: Vec<Category> = outcomes.iter().map(|o| o.category).collect();
        let baseline_category = Category::ALL
            .into_iter()
            .max_by_key(|c| {
                (
                    truth.iter().filter(|t| *t == c).count(),
                    std::cmp::Reverse(*c),
                )
            })
            .unwrap_or(Category::Other);
        let with_company: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| !o.label.companies.is_empty())
            .collect();
        let company_right = with_company
            .iter()
            .filter(|o| company_matches(&o.label.companies, o.company.as_deref()))
            .count();
        Report {
            messages: outcomes.len(),
            classifier: scores(&truth, &predicted),
            baseline: scores(&truth, &vec![baseline_category; truth.len()]),
            baseline_category,
            company_right,
            company_total: with_company.len(),
            misses: outcomes
                .iter()
                .filter(|o| {
                    o.category != o.label.category
                        || (!o.label.companies.is_empty()
                            && !company_matches(&o.label.companies, o.company.as_deref()))
                })
                .cloned()
                .collect(),
        }
    }

    /// The report as the `companion mail eval` command prints it.
    pub fn render(&self) -> String {
        let (c, b) = (&self.classifier, &self.baseline);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} messages; baseline = always {:?}",
            self.messages,
            self.baseline_category.as_str()
        );
        let _ = writeln!(
            out,
            "{:<14}{:>8}{:>11}{:>8}{:>8}   {:>15}",
            "category", "support", "precision", "recall", "F1", "baseline F1"
        );
        for (score, base) in c.per_category.iter().zip(&b.per_category) {
            let _ = writeln!(
                out,
                "{:<14}{:>8}{:>11.3}{:>8.3}{:>8.3}   {:>15.3}",
                score.category.as_str(),
                score.support,
                score.precision,
                score.recall,
                score.f1,
                base.f1
            );
        }
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let rows = [
            (
                "macro-F1",
                format!("{:.3}", c.macro_f1),
                format!("{:.3}", b.macro_f1),
            ),
            ("accuracy", pct(c.accuracy), pct(b.accuracy)),
            (
                "rejection recall",
                pct(c.rejection_recall),
                pct(b.rejection_recall),
            ),
            (
                "other called rejection/interview/offer",
                pct(c.other_called_job),
                pct(b.other_called_job),
            ),
            (
                "company right",
                format!(
                    "{} ({}/{})",
                    pct(self.company_accuracy()),
                    self.company_right,
                    self.company_total
                ),
                "-".to_owned(),
            ),
        ];
        let _ = writeln!(out, "{:<40}{:>14}{:>12}", "", "classifier", "baseline");
        for (name, ours, theirs) in rows {
            let _ = writeln!(out, "{name:<40}{ours:>14}{theirs:>12}");
        }
        for miss in &self.misses {
            let _ = writeln!(
                out,
                "miss {}: {} (want {}), company {:?} (want {:?})",
                miss.label.file,
                miss.category,
                miss.label.category,
                miss.company.as_deref().unwrap_or("-"),
                miss.label.companies.join("|")
            );
        }
        out
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

fn scores(truth: &[Category], predicted: &[Category]) -> Scores {
    let pairs = || truth.iter().zip(predicted);
    let per_category: Vec<CategoryScore> = Category::ALL
        .into_iter()
        .filter(|c| truth.contains(c) || predicted.contains(c))
        .map(|category| {
            let hits = pairs()
                .filter(|(t, p)| **t == category && **p == category)
                .count();
            let support = truth.iter().filter(|t| **t == category).count();
            let called = predicted.iter().filter(|p| **p == category).count();
            let (precision, recall) = (ratio(hits, called), ratio(hits, support));
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            CategoryScore {
                category,
                support,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let others = pairs().filter(|(t, _)| **t == Category::Other);
    let other_called_job = others
        .clone()
        .filter(|(_, p)| {
            matches!(
                p,
                Category::Rejection | Category::Interview | Category::Offer
            )
        })
        .count();
    Scores {
        macro_f1: per_category.iter().map(|s| s.f1).sum::<f64>() / per_category.len().max(1) as f64,
        accuracy: ratio(pairs().filter(|(t, p)| t == p).count(), truth.len()),
        rejection_recall: per_category
            .iter()
            .find(|s| s.category == Category::Rejection)
            .map_or(0.0, |s| s.recall),
        other_called_job: ratio(other_called_job, others.count()),
        per_category,
    }
}
