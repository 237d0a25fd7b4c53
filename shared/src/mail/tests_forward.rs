//! Forward unwrapping on the client formats in
//! `../shared/corpus/job_emails/forwarded_formats` (every English fixture there) and on
//! made-up job mail.

use super::parse::parse;

#[cfg(not(target_arch = "wasm32"))]
mod corpus {
    use std::path::{Path, PathBuf};

    use super::super::forward::unwrap;
    use super::super::parse::Mail;

    fn fixture_dir() -> Option<PathBuf> {
        test_corpus::dir().map(|corpus| {
            corpus.join("job_emails/forwarded_formats/crisp-oss_email-forward-parser")
        })
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(format!("{name}.txt")))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The subject the fixture's test gives the forward, where it gives one in English.
    fn subject_for(dir: &Path, body: &str) -> Option<String> {
        let subject = if body.starts_with("outlook_live_en_body_variant_10") {
            "outlook_live_en_subject_variant_10"
        } else if body.starts_with("outlook_live_en_body") {
            "outlook_live_en_subject"
        } else if body.starts_with("new_outlook_2019_en_body") {
            "new_outlook_2019_en_subject"
        } else if body.starts_with("outlook_2013_en_body") {
            "outlook_2013_en_subject"
        } else if body.starts_with("unknown_en_body") {
            "unknown_en_subject"
        } else {
            return None;
        };
        let subject = if body.ends_with("_variant_4") {
            format!("{subject}_variant_4")
        } else {
            subject.to_owned()
        };
        Some(read(dir, &subject).trim().to_owned())
    }

    fn fixtures(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
            .filter(|n| n.contains("_en_body"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_english_fixture_unwraps_to_the_original() {
        let Some(dir) = fixture_dir() else {
            return;
        };
        let fixtures = fixtures(&dir);
        assert!(fixtures.len() >= 60, "{} fixtures", fixtures.len());
        for name in fixtures {
            let mut mail = Mail {
                subject: subject_for(&dir, &name),
                from_name: Some("Forwarder".into()),
                from_address: Some("me@example.org".into()),
                body: read(&dir, &name),
                ..Mail::default()
            };
            unwrap(&mut mail);
            if name.ends_with("_variant_4") {
                // A reply that quotes the original: the replier is the sender.
                assert!(!mail.forwarded, "{name}: a reply was unwrapped");
                continue;
            }
            // Outlook 2019 writes "On <date>, "Name" <address> wrote:" and keeps the subject
            // only in the forward's own "FW:" subject, which this fixture lacks.
            if name.starts_with("outlook_2019_en_body") {
                continue;
            }
            assert!(mail.forwarded, "{name}: not unwrapped");
            assert_eq!(
                mail.subject.as_deref(),
                Some("Integer consequat non purus"),
                "{name}"
            );
            if name.ends_with("_variant_12") {
                assert_eq!(mail.from_name.as_deref(), Some("John Doe"), "{name}");
                assert_eq!(mail.from_address, None, "{name}");
            } else {
                assert_eq!(
                    mail.from_address.as_deref(),
                    Some("john.doe@acme.com"),
                    "{name}"
                );
            }
            assert!(
                mail.body.contains("Aenean quis diam urna") || mail.body.contains("Praesent"),
                "{name}: body {:?}",
                mail.body
            );
        }
    }

    #[test]
    fn outlook_2019_with_its_forward_subject_unwraps_the_wrote_line() {
        let Some(dir) = fixture_dir() else {
            return;
        };
        let mut mail = Mail {
            subject: Some("FW: Integer consequat non purus".into()),
            body: read(&dir, "outlook_2019_en_body"),
            ..Mail::default()
        };
        unwrap(&mut mail);
        assert!(mail.forwarded);
        assert_eq!(mail.from_name.as_deref(), Some("John Doe"));
        assert_eq!(mail.from_address.as_deref(), Some("john.doe@acme.com"));
        assert_eq!(mail.subject.as_deref(), Some("Integer consequat non purus"));
    }
}

#[test]
fn a_forwarded_rejection_counts_as_the_companys() {
    let raw = b"From: Me <me@example.org>\r\nSubject: Fwd: Your application\r\n\r\n\
        FYI, see below.\r\n\r\n---------- Forwarded message ---------\r\n\
        From: Northwind Careers <careers@northwind.example>\r\n\
        Date: Mon, 2 Mar 2026 at 10:00\r\nSubject: Your application to Northwind\r\n\
        To: <me@example.org>\r\n\r\nHi,\r\nwe will not be moving forward.\r\n";
    let mail = parse(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(mail.forwarded);
    assert_eq!(mail.from_name.as_deref(), Some("Northwind Careers"));
    assert_eq!(
        mail.from_address.as_deref(),
        Some("careers@northwind.example")
    );
    assert_eq!(
        mail.subject.as_deref(),
        Some("Your application to Northwind")
    );
    assert!(mail.body.starts_with("Hi,\nwe will not"), "{:?}", mail.body);
}

#[test]
fn a_reply_quoting_another_sender_is_not_unwrapped() {
    let raw = b"From: Ann <ann@fabrikam.example>\r\nSubject: RE: Application\r\n\r\n\
        Thank you, we decided not to proceed.\r\n\r\n________________________________\r\n\
        From: Job board [mailto:jobs@board.example]\r\nSent: Monday\r\nTo: Ann\r\n\
        Subject: Application\r\n\r\nNew applicant.\r\n";
    let mail = parse(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(!mail.forwarded);
    assert_eq!(mail.from_address.as_deref(), Some("ann@fabrikam.example"));
}
