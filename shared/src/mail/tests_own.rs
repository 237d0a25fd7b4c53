//! Messages written for these tests (no corpus text), worded unlike the corpus, to check
//! that the rules generalise; and the MIME handling the corpus does not exercise.

use super::{Category, Classifier};

fn classify(raw: &str) -> super::Classification {
    let classifier = Classifier::builtin().unwrap_or_else(|e| panic!("{e}"));
    classifier
        .classify_raw(raw.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn check(raw: &str, category: Category, company: Option<&str>) {
    let result = classify(raw);
    assert_eq!(result.category, category, "{result:?}\n{raw}");
    if company.is_some() {
        assert_eq!(result.company.as_deref(), company, "{result:?}\n{raw}");
    }
}

#[test]
fn rejections_in_other_words() {
    check(
        "From: Contoso Hiring <no-reply@hire.lever.co>\nSubject: Your Contoso application\n\n\
         Thanks for your time, Jordan. After a lot of thought our team has decided to go in a \
         different direction for the Product Designer opening.",
        Category::Rejection,
        Some("Contoso"),
    );
    check(
        "We appreciate you applying for the Data Engineer role at Fabrikam. At this stage we \
         will not be progressing your application any further.\n\nFabrikam People Team",
        Category::Rejection,
        Some("Fabrikam"),
    );
    check(
        "From: Jo Park <jo@northwindtraders.example>\nSubject: Update\n\nHello, the QA Lead \
         role has been filled internally, so we are closing all other applications. \
         Best of luck with your search.\nNorthwind Traders Recruiting",
        Category::Rejection,
        Some("Northwind Traders"),
    );
    check(
        "Subject: Application update\n\nHi Max, we have chosen to pursue applicants whose \
         experience more closely matches what the team needs right now.",
        Category::Rejection,
        None,
    );
}

#[test]
fn good_news_and_next_steps() {
    check(
        "From: Tailspin Toys <people@tailspintoys.example>\nSubject: Your offer\n\n\
         Congratulations! On behalf of Tailspin Toys I am delighted to extend an offer for \
         the QA Lead position. Your offer letter is attached.",
        Category::Offer,
        Some("Tailspin Toys"),
    );
    check(
        "From: Priya Shah <priya@woodgrovebank.example>\nSubject: Backend Engineer\n\n\
         Hi Sam, the hiring manager enjoyed reading your application and would like to \
         meet you. Which of these times suits you for a 45-minute video interview?",
        Category::Interview,
        Some("Woodgrovebank"),
    );
    check(
        "Subject: Next step for the SRE role at Woodgrove Bank\n\nAs the next step, please \
         complete our online coding challenge on HackerRank within five days.",
        Category::Assessment,
        Some("Woodgrove Bank"),
    );
    check(
        "From: Litware Careers <jobs@litware.example>\nSubject: We've got your application\n\n\
         Thanks for applying to the Marketing Analyst position at Litware. Every application \
         is read by a person and we will be in touch within two weeks.",
        Category::Confirmation,
        Some("Litware"),
    );
}

#[test]
fn mail_that_is_not_a_status_change_stays_other() {
    for raw in [
        "Subject: Delivery problem\n\nUnfortunately, your order #1234 could not be delivered. \
         Please update your address.",
        "Subject: Card declined\n\nWe regret to inform you that your card ending 4321 was declined.",
        "Subject: 12 new jobs for you\n\nSenior Engineer at Contoso. Data Scientist at Fabrikam. \
         Apply now with one click.",
        "Subject: Contract role\n\nHi, I'm a technical recruiter with a staffing agency and came \
         across your profile. Would you be available for a quick call about a contract role?",
        "Subject: Verify your email\n\nTo finish your application, enter the verification \
         code 552211 on the careers site.",
    ] {
        let result = classify(raw);
        assert_eq!(result.category, Category::Other, "{result:?}\n{raw}");
    }
}

#[test]
fn quoted_printable_windows_1252_html_is_decoded() {
    let raw = "From: Adventure Works Talent <talent@adventure-works.example>\r\n\
        Subject: =?utf-8?Q?Your_application_=E2=80=93_Analyst?=\r\n\
        MIME-Version: 1.0\r\nContent-Type: text/html; charset=windows-1252\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\r\n\
        <html><body><p>Thank you for applying. Regrettably we won=92t be moving forw=\r\nard.\
        </p></body></html>\r\n";
    let result = classify(raw);
    assert_eq!(result.category, Category::Rejection, "{result:?}");
    assert_eq!(result.company.as_deref(), Some("Adventure Works"));
    assert!(result.sentiment < 0.0);
    assert!(
        result
            .rules
            .iter()
            .any(|r| r == "rejection.not_moving_forward")
    );
}

#[test]
fn base64_multipart_alternative_uses_the_text_part() {
    // "Congratulations, we are pleased to offer you the role." in base64.
    let raw = "From: Fourth Coffee <hr@fourthcoffee.example>\r\nSubject: Good news\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
        --b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        Q29uZ3JhdHVsYXRpb25zLCB3ZSBhcmUgcGxlYXNlZCB0byBvZmZlciB5b3UgdGhlIHJvbGUu\r\n\
        --b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Congratulations</p>\r\n--b1--\r\n";
    let result = classify(raw);
    assert_eq!(result.category, Category::Offer, "{result:?}");
    assert_eq!(result.company.as_deref(), Some("Fourth Coffee"));
    assert!(result.sentiment > 0.5);
}

#[test]
fn user_rules_extend_the_builtin_ones() {
    let extra = r#"
        [[rule]]
        id = "rejection.dutch"
        category = "rejection"
        weight = 5
        pattern = 'helaas'
    "#;
    let classifier = Classifier::with_rules(Some(extra)).unwrap_or_else(|e| panic!("{e}"));
    let result = classifier
        .classify_raw(b"Subject: Sollicitatie\n\nHelaas, uw application voor de functie ...")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.category, Category::Rejection);
    let bad = Classifier::with_rules(Some(
        "[[rule]]\nid = \"x\"\ncategory = \"maybe\"\npattern = \"a\"",
    ));
    assert!(bad.is_err_and(|e| e.to_string().contains("unknown category")));
    let bad = Classifier::with_rules(Some(
        "[[rule]]\nid = \"x\"\ncategory = \"other\"\npattern = \"(\"",
    ));
    assert!(bad.is_err_and(|e| e.to_string().contains("mail rule x")));
}

#[test]
fn empty_and_headless_input() {
    let classifier = Classifier::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(classifier.classify_raw(b"  \n").is_err());
    let result = classifier
        .classify_raw(b"Title: Engineer\nUnfortunately we will not move forward.")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        result.category,
        Category::Other,
        "no job context word: {result:?}"
    );
}
