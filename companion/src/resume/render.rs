//! A typed resume (and posting, and letter) as the LaTeX body of a template. Every piece of
//! user text goes through `shared::resume::latex::escape`; only the macro names of the
//! templates (`\resumeentry`, …) are written here.

use shared::resume::latex::{escape, escape_url};
use shared::resume::{Posting, Resume};

/// `\name{arg}{arg}…` with every argument escaped.
fn call(name: &str, args: &[&str]) -> String {
    let mut out = format!("\\{name}");
    for arg in args {
        out.push('{');
        out.push_str(&escape(arg));
        out.push('}');
    }
    out.push('\n');
    out
}

/// The contact line: location, email, phone, website and profiles, with links.
fn contact_line(resume: &Resume) -> String {
    let basics = &resume.basics;
    let place = [
        basics.location.city.as_str(),
        basics.location.region.as_str(),
    ]
    .into_iter()
    .chain([basics.location.country_code.as_str()])
    .filter(|part| !part.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let mut items = Vec::new();
    if !place.is_empty() {
        items.push(escape(&place));
    }
    if !basics.email.trim().is_empty() {
        items.push(link(
            &format!("mailto:{}", basics.email.trim()),
            &basics.email,
        ));
    }
    if !basics.phone.trim().is_empty() {
        items.push(escape(&basics.phone));
    }
    if !basics.url.trim().is_empty() {
        items.push(link(&basics.url, &bare_url(&basics.url)));
    }
    for profile in &basics.profiles {
        let shown = if profile.url.trim().is_empty() {
            format!("{}: {}", profile.network, profile.username)
        } else {
            bare_url(&profile.url)
        };
        if shown.trim().is_empty() || shown.trim() == ":" {
            continue;
        }
        if profile.url.trim().is_empty() {
            items.push(escape(&shown));
        } else {
            items.push(link(&profile.url, &shown));
        }
    }
    items.join("\\contactsep ")
}

fn link(target: &str, shown: &str) -> String {
    format!("\\href{{{}}}{{{}}}", escape_url(target), escape(shown))
}

/// `https://www.x.dev/` shows as `x.dev`.
fn bare_url(url: &str) -> String {
    let url = url.trim();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    url.strip_prefix("www.")
        .unwrap_or(url)
        .trim_end_matches('/')
        .to_owned()
}

/// `2013-12-01` → `Dec 2013`; a year alone stays; anything else is shown as written.
pub fn month_year(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = date.trim();
    let mut parts = date.split('-');
    match (parts.next(), parts.next()) {
        (Some(year), Some(month)) if year.len() == 4 => month
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map_or_else(|| date.to_owned(), |m| format!("{m} {year}")),
        _ => date.to_owned(),
    }
}

fn dates(start: &str, end: &str) -> String {
    match (month_year(start), month_year(end)) {
        (start, end) if start.is_empty() => end,
        (start, end) if end.is_empty() => format!("{start} – Present"),
        (start, end) if start == end => start,
        (start, end) => format!("{start} – {end}"),
    }
}

fn bullets(out: &mut String, items: &[String]) {
    let items: Vec<&String> = items
        .iter()
        .filter(|item| !item.trim().is_empty())
        .collect();
    if items.is_empty() {
        return;
    }
    out.push_str("\\begin{itemize}\n");
    for item in items {
        out.push_str("\\item ");
        out.push_str(&escape(item));
        out.push('\n');
    }
    out.push_str("\\end{itemize}\n");
}

fn text(out: &mut String, text: &str) {
    if !text.trim().is_empty() {
        out.push_str(&call("resumetext", &[text]));
    }
}

fn section(out: &mut String, title: &str, body: String) {
    if !body.is_empty() {
        out.push_str(&call("resumesection", &[title]));
        out.push_str(&body);
    }
}

fn joined(parts: &[&str], separator: &str) -> String {
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The resume's body, sections in the order ATS parsers expect.
pub fn resume_body(resume: &Resume) -> String {
    let basics = &resume.basics;
    let mut out = format!(
        "\\resumeheader{{{}}}{{{}}}{{{}}}\n",
        escape(&basics.name),
        escape(&basics.label),
        contact_line(resume)
    );
    if !basics.summary.trim().is_empty() {
        section(
            &mut out,
            "Summary",
            call("resumesummary", &[&basics.summary]),
        );
    }
    let mut work = String::new();
    for job in &resume.work {
        let when = dates(&job.start_date, &job.end_date);
        work.push_str(&call(
            "resumeentry",
            &[&job.position, &job.name, &when, &job.location],
        ));
        text(&mut work, &job.summary);
        bullets(&mut work, &job.highlights);
    }
    section(&mut out, "Experience", work);
    let mut education = String::new();
    for school in &resume.education {
        let degree = joined(&[&school.study_type, &school.area], ", ");
        let when = dates(&school.start_date, &school.end_date);
        education.push_str(&call(
            "resumeentry",
            &[&degree, &school.institution, &when, ""],
        ));
        let score = if school.score.trim().is_empty() {
            String::new()
        } else {
            format!("Grade: {}", school.score.trim())
        };
        let courses = joined(
            &school
                .courses
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ", ",
        );
        let courses = if courses.is_empty() {
            courses
        } else {
            format!("Courses: {courses}")
        };
        text(&mut education, &joined(&[&score, &courses], ". "));
    }
    section(&mut out, "Education", education);
    let mut skills = String::new();
    for skill in &resume.skills {
        let keywords = joined(
            &skill
                .keywords
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ", ",
        );
        let label = if skill.level.trim().is_empty() {
            skill.name.clone()
        } else {
            format!("{} ({})", skill.name.trim(), skill.level.trim())
        };
        skills.push_str(&call("resumeline", &[&label, &keywords]));
    }
    section(&mut out, "Skills", skills);
    let mut projects = String::new();
    for project in &resume.projects {
        let when = dates(&project.start_date, &project.end_date);
        let roles = joined(
            &project.roles.iter().map(String::as_str).collect::<Vec<_>>(),
            ", ",
        );
        projects.push_str(&call(
            "resumeentry",
            &[&project.name, &project.entity, &when, &roles],
        ));
        text(&mut projects, &project.description);
        bullets(&mut projects, &project.highlights);
    }
    section(&mut out, "Projects", projects);
    out.push_str(&other_sections(resume));
    out
}

/// Volunteering, awards, certificates, publications, languages, interests.
fn other_sections(resume: &Resume) -> String {
    let mut out = String::new();
    let mut volunteer = String::new();
    for role in &resume.volunteer {
        let when = dates(&role.start_date, &role.end_date);
        volunteer.push_str(&call(
            "resumeentry",
            &[&role.position, &role.organization, &when, ""],
        ));
        text(&mut volunteer, &role.summary);
        bullets(&mut volunteer, &role.highlights);
    }
    section(&mut out, "Volunteering", volunteer);
    let mut awards = String::new();
    for award in &resume.awards {
        awards.push_str(&call(
            "resumeentry",
            &[&award.title, &award.awarder, &month_year(&award.date), ""],
        ));
        text(&mut awards, &award.summary);
    }
    section(&mut out, "Awards", awards);
    let mut certificates = String::new();
    for certificate in &resume.certificates {
        let when = month_year(&certificate.date);
        certificates.push_str(&call(
            "resumeentry",
            &[&certificate.name, &certificate.issuer, &when, ""],
        ));
    }
    section(&mut out, "Certificates", certificates);
    let mut publications = String::new();
    for publication in &resume.publications {
        let when = month_year(&publication.release_date);
        publications.push_str(&call(
            "resumeentry",
            &[&publication.name, &publication.publisher, &when, ""],
        ));
        text(&mut publications, &publication.summary);
    }
    section(&mut out, "Publications", publications);
    let mut more = String::new();
    let languages: Vec<String> = resume
        .languages
        .iter()
        .map(|l| joined(&[&l.language, &l.fluency], " – "))
        .filter(|l| !l.is_empty())
        .collect();
    if !languages.is_empty() {
        more.push_str(&call("resumeline", &["Languages", &languages.join(", ")]));
    }
    for interest in &resume.interests {
        let keywords = joined(
            &interest
                .keywords
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ", ",
        );
        more.push_str(&call("resumeline", &[&interest.name, &keywords]));
    }
    section(&mut out, "Languages and interests", more);
    out
}

/// A cover letter's body: the sender's header, date and recipient, the letter's paragraphs
/// (split at blank lines), a closing.
pub fn letter_body(resume: &Resume, posting: Option<&Posting>, letter: &str, date: &str) -> String {
    let mut out = format!(
        "\\letterheader{{{}}}{{{}}}\n",
        escape(&resume.basics.name),
        contact_line(resume)
    );
    let company = posting.map(|p| p.company.trim()).unwrap_or_default();
    let recipient = if company.is_empty() {
        "Hiring Team".to_owned()
    } else {
        format!("Hiring Team, {company}")
    };
    let subject = posting
        .map(|p| p.title.trim())
        .filter(|title| !title.is_empty())
        .map(|title| format!("Application: {title}"))
        .unwrap_or_default();
    out.push_str(&call("letterto", &[date, &recipient, &subject]));
    for paragraph in letter
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        out.push_str(&escape(paragraph));
        out.push_str("\\par\n");
    }
    out.push_str(&format!(
        "Sincerely,\\par\n{}\\par\n",
        escape(&resume.basics.name)
    ));
    out
}
