//! Messages written for these tests, worded unlike the corpus and each other (no corpus
//! text), with the label a person would give them. They arrived together with the rules that
//! make them pass, so they are training data, not a measure of unseen mail: they keep those
//! rules from regressing. Job alerts, receipts, newsletters and event mail use the same words
//! as real news ("interview", "offer", "candidates") and must stay `other`.

use super::{Category, Classifier};

struct Case {
    category: Category,
    /// Checked when given.
    company: Option<&'static str>,
    raw: &'static str,
}

const fn case(category: Category, company: Option<&'static str>, raw: &'static str) -> Case {
    Case {
        category,
        company,
        raw,
    }
}

const REJECTIONS: &[Case] = &[
    case(
        Category::Rejection,
        Some("Harbor Analytics"),
        "From: Harbor Analytics Talent <careers@harboranalytics.example>\n\
         Subject: About your Harbor Analytics application\n\n\
         Hi Dana,\n\nThank you for the time you put into the process for the Senior Data \
         Engineer role. It was a close call, but the team has decided to extend the offer to \
         someone else whose background lines up with the immediate needs of the project.\n\n\
         We'd genuinely like to stay in touch.\n\nHarbor Analytics Talent",
    ),
    case(
        Category::Rejection,
        None,
        "Subject: Re: Product Manager position\n\nHello Chris, I wanted to personally let you \
         know that we won't be extending an invitation to the next round. The panel \
         appreciated your energy, but felt the other finalists had deeper B2B experience.\n\
         Regards, Mira",
    ),
    case(
        Category::Rejection,
        Some("Quillbyte"),
        "From: Quillbyte Hiring <hiring@quillbyte.example>\nSubject: Your application to \
         Quillbyte\n\nHi Sam - we've reviewed your application and it won't be progressing \
         this time. Thanks for considering Quillbyte.",
    ),
    case(
        Category::Rejection,
        Some("Ostrava Motors"),
        "Subject: Update on the Backend Developer opening\n\nDear Alex,\n\nAfter careful \
         review we have made the difficult decision to decline your application. This \
         outcome reflects the number of strong applications we received rather than your \
         skills.\n\nKind regards,\nOstrava Motors Recruitment",
    ),
    case(
        Category::Rejection,
        Some("Northgate Insurance"),
        "Subject: Graduate Scheme 2027 - outcome\n\nDear Priya,\n\nThank you for applying to \
         the Northgate Insurance Graduate Scheme. We're sorry to say that on this occasion \
         your application has been unsuccessful. We received over 4,000 applications this \
         year.\n\nNorthgate Insurance Early Careers",
    ),
    case(
        Category::Rejection,
        None,
        "Subject: Design Lead\n\nHi Jordan, thanks so much for chatting with us last week \
         about the Design Lead role. We really enjoyed the conversation; however, we've \
         concluded that we need someone with more hands-on experience in motion design. \
         Wishing you all the best in your next chapter.",
    ),
];

const INTERVIEWS: &[Case] = &[
    case(
        Category::Interview,
        Some("Pinecrest"),
        "From: Rosa Lind <rosa@pinecrest.example>\nSubject: Mobile Engineer\n\nHi Lee,\n\n\
         Thanks for applying for the Mobile Engineer position at Pinecrest. Our engineering \
         manager would love to chat with you. Could you pick a slot for a 30 minute video \
         call this week using the link below?\n\nhttps://cal.example.com/pinecrest/intro\n\n\
         Best, Rosa, Pinecrest Recruiting",
    ),
    case(
        Category::Interview,
        Some("Brightwave"),
        "Subject: Next steps with Brightwave\n\nHi Omar, great news - the team was impressed \
         by your application and we'd like to set up a conversation with our CTO. Are you \
         free Tuesday or Wednesday afternoon for about 45 minutes on Zoom?",
    ),
    case(
        Category::Interview,
        Some("Greystone"),
        "From: Ana Ruiz <ana.ruiz@greystone.example>\nSubject: Quick chat?\n\nHi Ana, I lead \
         the Platform team at Greystone and your resume stood out. Do you have 20 minutes \
         this Thursday or Friday for an introductory call? Let me know what times work and \
         I'll send a calendar invite.",
    ),
    case(
        Category::Interview,
        None,
        "Subject: Confirmed: Tue 14 May, 10:00 with the Analytics team\n\nHi Jo, this \
         confirms your conversation with Dr. Lin and Mark on Tuesday 14 May at 10:00 BST via \
         Microsoft Teams. The joining link is below. Application ID 55123.",
    ),
    case(
        Category::Interview,
        Some("Mercury Freight"),
        "Subject: Final round at Mercury Freight\n\nHi Tomas, thank you for your patience \
         with our process. We'd like to invite you to our Denver office for the final round for \
         the Logistics Analyst role: three back-to-back conversations on March 3.",
    ),
];

const OFFERS: &[Case] = &[
    case(
        Category::Offer,
        Some("Solace Robotics"),
        "Subject: Welcome aboard!\n\nDear Kim, we are thrilled to let you know that we'd \
         like you to join Solace Robotics as a Controls Engineer. Attached you'll find the \
         written offer with your compensation and start date. Please sign by Friday.",
    ),
    case(
        Category::Offer,
        None,
        "Subject: Staff Accountant\n\nHi Leo, congratulations! Following your conversations \
         with the finance team, Meridian Health is extending you an offer for the Staff \
         Accountant role at an annual salary of $78,000. Please reply with your decision by \
         12 June.",
    ),
    case(
        Category::Offer,
        Some("Tallyhoo"),
        "Subject: Following up on our call\n\nHi Nia, as discussed on the phone today, we'd \
         love to offer you the Customer Success Manager role at Tallyhoo. Our people team \
         will send the paperwork tomorrow; ask me anything about the package.",
    ),
];

const ASSESSMENTS: &[Case] = &[
    case(
        Category::Assessment,
        Some("Cobalt Systems"),
        "Subject: Invitation: Cobalt Systems coding test\n\nHello Ravi, as part of the \
         selection process for the Software Engineer role at Cobalt Systems, you are invited \
         to take a 90-minute coding test on HackerRank. The link expires in 7 days.",
    ),
    case(
        Category::Assessment,
        Some("Ferrox"),
        "Subject: Next step: Codility task\n\nThanks for your interest in the Backend \
         Engineer role at Ferrox. The next step in our process is a short programming task \
         on Codility (about 60 minutes). Please submit your solution within five days.",
    ),
    case(
        Category::Assessment,
        None,
        "Subject: Take-home exercise for the Frontend role\n\nHi Ellie, thanks again for \
         your time on Monday. As discussed, here is the take-home exercise: build a small \
         dashboard from the attached API spec, and send us a link to your repository by \
         next Wednesday.",
    ),
    case(
        Category::Assessment,
        Some("Bluebell Retail"),
        "Subject: Action needed: online assessment\n\nDear candidate, to continue with your \
         application for Customer Service Advisor at Bluebell Retail, please complete the \
         online assessment within 72 hours. It takes around 25 minutes.",
    ),
];

const CONFIRMATIONS: &[Case] = &[
    case(
        Category::Confirmation,
        Some("Kestrel Bio"),
        "Subject: We received your application\n\nHi Maya, thanks for applying to Kestrel \
         Bio! This note confirms we received your application for Lab Operations Associate. \
         Our team looks at every application and you'll hear from us either way.",
    ),
    case(
        Category::Confirmation,
        Some("Driftwood Cloud"),
        "Subject: Application submitted: Site Reliability Engineer\n\nYour application for \
         Site Reliability Engineer at Driftwood Cloud has been submitted successfully. You \
         can follow its status in your candidate portal.",
    ),
    case(
        Category::Confirmation,
        Some("Orchard & Pine"),
        "Subject: Thanks for your interest in Orchard & Pine\n\nHello, this is an automatic \
         confirmation that your CV has reached our recruitment team. If your profile \
         matches the role, a recruiter will contact you within 10 working days.",
    ),
    case(
        Category::Confirmation,
        Some("Fenwick Grocers"),
        "Subject: Application received - Store Manager (Req 4471)\n\nDear Ben, we've got \
         your application for Store Manager at Fenwick Grocers. What happens next: our \
         hiring team looks at applications weekly and shortlisted candidates are invited \
         to a phone screen.",
    ),
];

const LOOKALIKES: &[Case] = &[
    case(
        Category::Other,
        None,
        "From: JobBoard Alerts <alerts@jobboard.example>\nSubject: 10 new jobs for you: Data \
         Analyst\n\nBased on your profile, these roles might interest you:\nData Analyst - \
         Contoso - Remote\nSenior Data Analyst - Fabrikam - London\nApply with one click. \
         Hiring managers are reviewing applications this week. Interview-ready? Update your \
         resume to stand out.",
    ),
    case(
        Category::Other,
        None,
        "Subject: Recruiters are looking at profiles like yours\n\nCompanies like Fabrikam \
         are hiring for Product Designer. Candidates who complete their profile are 3x more \
         likely to be invited to an interview. Turn on job alerts to hear first.",
    ),
    case(
        Category::Other,
        None,
        "Subject: Your receipt from Brightline Courses\n\nThanks for your order! Course: \
         Interview Mastery - land the offer at your next job interview. Amount paid: $49.00. \
         Your access starts today.",
    ),
    case(
        Category::Other,
        None,
        "Subject: Reminder: Tech Careers Meetup tomorrow at 6pm\n\nHi there, a reminder that \
         you RSVP'd for Tech Careers Night at The Foundry. Meet hiring managers from 12 \
         startups, bring copies of your resume, and join the panel on acing your interview.",
    ),
    case(
        Category::Other,
        None,
        "Subject: The Hiring Brief - issue 42\n\nThis week: why recruiters are moving forward \
         with fewer candidates, how to answer 'tell me about yourself' in an interview, and \
         three salary negotiation scripts.\nRead online | Unsubscribe | Manage preferences",
    ),
    case(
        Category::Other,
        None,
        "Subject: New jobs matching 'Backend Engineer'\n\n3 new jobs match your alert. \
         Fintrax is hiring a Backend Engineer (salary offered: 70k, start date: ASAP). \
         Interviews this week for fast applicants!",
    ),
    case(
        Category::Other,
        None,
        "Subject: Your sign-in code\n\nUse 448201 to sign in to your candidate account for \
         job applications. If you didn't request this code, ignore this email.",
    ),
    case(
        Category::Other,
        None,
        "Subject: Congratulations on a great month!\n\nYou applied to 5 jobs this month. \
         Prepare for your next interview with our mock interview tool and book a free \
         session with a career coach.",
    ),
];

#[test]
fn written_training_messages_keep_their_labels() {
    let classifier = Classifier::builtin().unwrap_or_else(|e| panic!("{e}"));
    let all = [
        REJECTIONS,
        INTERVIEWS,
        OFFERS,
        ASSESSMENTS,
        CONFIRMATIONS,
        LOOKALIKES,
    ];
    let mut wrong = Vec::new();
    let mut total = 0;
    for case in all.into_iter().flatten() {
        total += 1;
        let result = classifier
            .classify_raw(case.raw.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let company_wrong = case
            .company
            .is_some_and(|company| result.company.as_deref() != Some(company));
        if result.category != case.category || company_wrong {
            wrong.push(format!(
                "expected {} / {:?}, got {result:?}\n{}\n",
                case.category, case.company, case.raw
            ));
        }
    }
    assert!(total >= 30, "{total} cases");
    assert!(
        wrong.is_empty(),
        "{} of {total} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
