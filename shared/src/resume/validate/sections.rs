//! The validator's checks, section by section of a JSON Resume.

use super::super::{
    Award, Basics, Certificate, Education, Interest, Language, Location, Profile, Project,
    Publication, Resume, Skill, Volunteer, Work,
};
use super::{Claim, Known, Validator, field, normal, same, skill_words};

impl Validator<'_> {
    pub(super) fn basics(&mut self, basics: &Basics) {
        let own = &self.profile.basics;
        let scalars = [
            (Claim::FullName, &basics.name, &own.name),
            (Claim::Headline, &basics.label, &own.label),
            (Claim::Email, &basics.email, &own.email),
            (Claim::Phone, &basics.phone, &own.phone),
            (Claim::Link, &basics.url, &own.url),
            (Claim::Link, &basics.image, &own.image),
        ];
        for (claim, value, profile) in scalars {
            if !same(claim, value, profile) {
                self.push(claim, value, "your details");
            }
        }
        let location_fields: [fn(&Location) -> &str; 5] = [
            |l| &l.address,
            |l| &l.postal_code,
            |l| &l.city,
            |l| &l.region,
            |l| &l.country_code,
        ];
        for of in location_fields {
            let value = of(&basics.location);
            if !same(Claim::Location, value, of(&own.location)) {
                self.push(Claim::Location, value, "your details");
            }
        }
        for profile in &basics.profiles {
            let fields = [
                field(Claim::Profile, &profile.network, |p: &Profile| &p.network),
                field(Claim::Profile, &profile.username, |p: &Profile| &p.username),
                field(Claim::Link, &profile.url, |p: &Profile| &p.url),
            ];
            self.entry(&own.profiles, &fields, &profile.network);
        }
        // A summary sums up the whole profile: anything the profile states may appear in it.
        let everything = serde_json::to_value(self.profile).unwrap_or_default();
        let mut texts = Vec::new();
        strings(&everything, &mut texts);
        let known = Known::of(texts);
        let summary = [("your summary", basics.summary.as_str())];
        self.texts(&summary, &[&own.summary], &known, "", "");
    }

    pub(super) fn work(&mut self, candidate: &Resume) {
        for work in &candidate.work {
            let fields = [
                field(Claim::Employer, &work.name, |w: &Work| &w.name),
                field(Claim::Title, &work.position, |w: &Work| &w.position),
                field(Claim::Date, &work.start_date, |w: &Work| &w.start_date),
                field(Claim::Date, &work.end_date, |w: &Work| &w.end_date),
                field(Claim::Location, &work.location, |w: &Work| &w.location),
                field(Claim::Link, &work.url, |w: &Work| &w.url),
            ];
            let Some(own) = self.entry(&self.profile.work, &fields, &work.name) else {
                continue;
            };
            let mut originals = vec![own.summary.as_str(), &own.description];
            originals.extend(own.highlights.iter().map(String::as_str));
            let fields = [
                &own.name,
                &own.position,
                &own.location,
                &own.start_date,
                &own.end_date,
            ];
            let known = Known::of(originals.iter().copied().chain(fields.map(String::as_str)));
            let prose = [
                ("the summary", &work.summary),
                ("the description", &work.description),
            ];
            let texts = entry_texts(&prose, &work.highlights);
            self.texts(&texts, &originals, &known, &work.name, "job");
        }
    }

    pub(super) fn volunteer(&mut self, candidate: &Resume) {
        for work in &candidate.volunteer {
            let fields = [
                field(Claim::Organisation, &work.organization, |w: &Volunteer| {
                    &w.organization
                }),
                field(Claim::Title, &work.position, |w: &Volunteer| &w.position),
                field(Claim::Date, &work.start_date, |w: &Volunteer| &w.start_date),
                field(Claim::Date, &work.end_date, |w: &Volunteer| &w.end_date),
                field(Claim::Link, &work.url, |w: &Volunteer| &w.url),
            ];
            let Some(own) = self.entry(&self.profile.volunteer, &fields, &work.organization) else {
                continue;
            };
            let mut originals = vec![own.summary.as_str()];
            originals.extend(own.highlights.iter().map(String::as_str));
            let fields = [
                &own.organization,
                &own.position,
                &own.start_date,
                &own.end_date,
            ];
            let known = Known::of(originals.iter().copied().chain(fields.map(String::as_str)));
            let texts = entry_texts(&[("the summary", &work.summary)], &work.highlights);
            self.texts(
                &texts,
                &originals,
                &known,
                &work.organization,
                "volunteering",
            );
        }
    }

    pub(super) fn education(&mut self, candidate: &Resume) {
        for school in &candidate.education {
            let fields = [
                field(Claim::Institution, &school.institution, |e: &Education| {
                    &e.institution
                }),
                field(Claim::Degree, &school.study_type, |e: &Education| {
                    &e.study_type
                }),
                field(Claim::FieldOfStudy, &school.area, |e: &Education| &e.area),
                field(Claim::Date, &school.start_date, |e: &Education| {
                    &e.start_date
                }),
                field(Claim::Date, &school.end_date, |e: &Education| &e.end_date),
                field(Claim::Grade, &school.score, |e: &Education| &e.score),
                field(Claim::Link, &school.url, |e: &Education| &e.url),
            ];
            let name = &school.institution;
            if let Some(own) = self.entry(&self.profile.education, &fields, name) {
                let courses = own.courses.iter().map(String::as_str);
                self.subset(Claim::Course, &school.courses, courses, name);
            }
        }
    }

    /// Awards, certificates and publications.
    pub(super) fn honours(&mut self, candidate: &Resume) {
        for award in &candidate.awards {
            let fields = [
                field(Claim::Award, &award.title, |a: &Award| &a.title),
                field(Claim::Awarder, &award.awarder, |a: &Award| &a.awarder),
                field(Claim::Date, &award.date, |a: &Award| &a.date),
            ];
            if let Some(own) = self.entry(&self.profile.awards, &fields, &award.title) {
                let known = Known::of(
                    [&own.title, &own.awarder, &own.date, &own.summary].map(String::as_str),
                );
                let texts = [("the summary", award.summary.as_str())];
                self.texts(&texts, &[&own.summary], &known, &award.title, "award");
            }
        }
        for certificate in &candidate.certificates {
            let fields = [
                field(
                    Claim::Certification,
                    &certificate.name,
                    |c: &Certificate| &c.name,
                ),
                field(Claim::Issuer, &certificate.issuer, |c: &Certificate| {
                    &c.issuer
                }),
                field(Claim::Date, &certificate.date, |c: &Certificate| &c.date),
                field(Claim::Link, &certificate.url, |c: &Certificate| &c.url),
            ];
            self.entry(&self.profile.certificates, &fields, &certificate.name);
        }
        for publication in &candidate.publications {
            let fields = [
                field(Claim::Publication, &publication.name, |p: &Publication| {
                    &p.name
                }),
                field(
                    Claim::Publisher,
                    &publication.publisher,
                    |p: &Publication| &p.publisher,
                ),
                field(Claim::Date, &publication.release_date, |p: &Publication| {
                    &p.release_date
                }),
                field(Claim::Link, &publication.url, |p: &Publication| &p.url),
            ];
            let name = &publication.name;
            if let Some(own) = self.entry(&self.profile.publications, &fields, name) {
                let stated = [&own.name, &own.publisher, &own.release_date, &own.summary];
                let known = Known::of(stated.map(String::as_str));
                let texts = [("the summary", publication.summary.as_str())];
                self.texts(&texts, &[&own.summary], &known, name, "publication");
            }
        }
    }

    pub(super) fn projects(&mut self, candidate: &Resume) {
        for project in &candidate.projects {
            let fields = [
                field(Claim::Project, &project.name, |p: &Project| &p.name),
                field(Claim::Date, &project.start_date, |p: &Project| {
                    &p.start_date
                }),
                field(Claim::Date, &project.end_date, |p: &Project| &p.end_date),
                field(Claim::Link, &project.url, |p: &Project| &p.url),
                field(Claim::Organisation, &project.entity, |p: &Project| {
                    &p.entity
                }),
                field(Claim::ProjectKind, &project.kind, |p: &Project| &p.kind),
            ];
            let name = &project.name;
            let Some(own) = self.entry(&self.profile.projects, &fields, name) else {
                continue;
            };
            self.subset(
                Claim::Role,
                &project.roles,
                own.roles.iter().map(String::as_str),
                name,
            );
            let keywords = own.keywords.iter().map(String::as_str);
            let skills = skill_words(&self.profile.skills);
            self.subset(
                Claim::Skill,
                &project.keywords,
                keywords.chain(skills),
                name,
            );
            let mut originals = vec![own.description.as_str()];
            originals.extend(own.highlights.iter().map(String::as_str));
            let fields = [&own.name, &own.entity, &own.start_date, &own.end_date];
            let lists = own.keywords.iter().chain(&own.roles).map(String::as_str);
            let stated = originals.iter().copied().chain(fields.map(String::as_str));
            let known = Known::of(stated.chain(lists));
            let prose = [("the description", &project.description)];
            let texts = entry_texts(&prose, &project.highlights);
            self.texts(&texts, &originals, &known, name, "project");
        }
    }

    pub(super) fn skills(&mut self, skills: &[Skill]) {
        let own = &self.profile.skills;
        for skill in skills {
            let words = skill_words(own);
            self.subset(
                Claim::Skill,
                std::slice::from_ref(&skill.name),
                words,
                "your skills",
            );
            let level_is_own = own.iter().any(|o| {
                normal(&o.name) == normal(&skill.name)
                    && same(Claim::SkillLevel, &skill.level, &o.level)
            });
            if !skill.level.trim().is_empty() && !level_is_own {
                self.push(Claim::SkillLevel, &skill.level, &skill.name);
            }
            self.subset(
                Claim::Skill,
                &skill.keywords,
                skill_words(own),
                "your skills",
            );
        }
    }

    pub(super) fn languages_and_interests(&mut self, candidate: &Resume) {
        for language in &candidate.languages {
            let fields = [
                field(Claim::Language, &language.language, |l: &Language| {
                    &l.language
                }),
                field(Claim::Fluency, &language.fluency, |l: &Language| &l.fluency),
            ];
            self.entry(&self.profile.languages, &fields, &language.language);
        }
        for interest in &candidate.interests {
            let fields = [field(Claim::Interest, &interest.name, |i: &Interest| {
                &i.name
            })];
            if let Some(own) = self.entry(&self.profile.interests, &fields, &interest.name) {
                let keywords = own.keywords.iter().map(String::as_str);
                self.subset(
                    Claim::Interest,
                    &interest.keywords,
                    keywords,
                    &interest.name,
                );
            }
        }
    }
}

/// An entry's free texts as the validator names them in messages.
fn entry_texts<'a>(
    prose: &[(&'static str, &'a String)],
    highlights: &'a [String],
) -> Vec<(&'static str, &'a str)> {
    let mut texts: Vec<(&str, &str)> = prose
        .iter()
        .map(|(what, text)| (*what, text.as_str()))
        .collect();
    texts.extend(highlights.iter().map(|h| ("a bullet", h.as_str())));
    texts
}

/// Every string in a JSON value.
fn strings<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match value {
        serde_json::Value::String(text) => out.push(text),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        serde_json::Value::Object(map) => map.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}
