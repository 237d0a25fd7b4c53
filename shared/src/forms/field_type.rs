//! What a field asks for, whatever the vendor calls it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    FirstName,
    LastName,
    MiddleName,
    FullName,
    PreferredName,
    Email,
    Phone,
    PhoneCountryCode,
    PhoneType,
    Address,
    AddressLine2,
    City,
    State,
    PostalCode,
    Country,
    Location,
    Linkedin,
    Github,
    Twitter,
    Portfolio,
    OtherUrl,
    Resume,
    CoverLetter,
    CurrentCompany,
    CurrentTitle,
    EmployerLocation,
    WorkDescription,
    School,
    Degree,
    EducationLevel,
    Major,
    Minor,
    Gpa,
    GraduationDate,
    WorkAuthorization,
    Sponsorship,
    Salary,
    StartDate,
    NoticePeriod,
    Relocation,
    /// "Are you located in Canada?": a yes/no about the country the resume places the user in.
    LocatedInCountry,
    RemotePreference,
    Gender,
    RaceEthnicity,
    Hispanic,
    Veteran,
    Disability,
    Transgender,
    SexualOrientation,
    Pronouns,
    HowDidYouHear,
    Consent,
    Username,
    Password,
    Honeypot,
    /// A question answered in the applicant's own words.
    FreeText,
    /// A question with fixed answers that no profile key covers ("Have you worked here before?").
    Question,
    /// Nothing recognisable.
    Other,
}

impl FieldType {
    /// Identity and contact fields: the quality goal wants every one of them right.
    pub fn is_identity_or_contact(self) -> bool {
        matches!(
            self,
            FieldType::FirstName
                | FieldType::LastName
                | FieldType::MiddleName
                | FieldType::FullName
                | FieldType::PreferredName
                | FieldType::Email
                | FieldType::Phone
                | FieldType::PhoneCountryCode
                | FieldType::Address
                | FieldType::City
                | FieldType::State
                | FieldType::PostalCode
                | FieldType::Country
                | FieldType::Location
                | FieldType::Linkedin
                | FieldType::Github
                | FieldType::Portfolio
        )
    }

    /// Voluntary self-identification: answered from the EEO keys or declined, never guessed.
    pub fn is_eeo(self) -> bool {
        matches!(
            self,
            FieldType::Gender
                | FieldType::RaceEthnicity
                | FieldType::Hispanic
                | FieldType::Veteran
                | FieldType::Disability
                | FieldType::Transgender
                | FieldType::SexualOrientation
        )
    }

    /// Asked as yes or no; other types with yes/no options are really a different question.
    pub fn may_be_yes_no(self) -> bool {
        matches!(
            self,
            FieldType::WorkAuthorization
                | FieldType::Sponsorship
                | FieldType::Relocation
                | FieldType::LocatedInCountry
                | FieldType::Hispanic
                | FieldType::Disability
                | FieldType::Transgender
                | FieldType::Consent
                | FieldType::Question
                | FieldType::RemotePreference
                | FieldType::Veteran
        )
    }
}
