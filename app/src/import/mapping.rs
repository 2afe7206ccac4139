//! Which column holds what. Headers are compared without case, accents,
//! spaces or punctuation ("E-mail Address [Required]" is "emailaddress"),
//! against synonyms from common exports and in French, German and Spanish,
//! allowing one typo in longer words.
use super::table::Table;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Target {
    Email,
    Name,
    FirstName,
    LastName,
    Role,
    Groups,
    /// A JSON object.
    Metadata,
    /// Kept as one metadata entry under this key.
    MetadataKey(String),
    Ignore,
}

impl Target {
    pub fn label(&self) -> String {
        match self {
            Target::Email => "Email".into(),
            Target::Name => "Name".into(),
            Target::FirstName => "First name".into(),
            Target::LastName => "Last name".into(),
            Target::Role => "Role".into(),
            Target::Groups => "Groups".into(),
            Target::Metadata => "Metadata (JSON)".into(),
            Target::MetadataKey(key) => format!("Metadata “{key}”"),
            Target::Ignore => "Ignored".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub column: usize,
    pub header: String,
    pub target: Target,
    /// Used when the cell is empty (e.g. "Standard" for an empty User type).
    pub default: Option<String>,
}

const SYNONYMS: &[(&str, Target)] = &[
    ("email", Target::Email),
    ("emailaddress", Target::Email),
    ("mail", Target::Email),
    ("mailaddress", Target::Email),
    ("emailid", Target::Email),
    ("useremail", Target::Email),
    ("workemail", Target::Email),
    ("primaryemail", Target::Email),
    ("adresseemail", Target::Email),
    ("adressemail", Target::Email),
    ("courriel", Target::Email),
    ("adresseelectronique", Target::Email),
    ("emailadresse", Target::Email),
    ("correo", Target::Email),
    ("correoelectronico", Target::Email),
    ("direcciondecorreo", Target::Email),
    ("direcciondecorreoelectronico", Target::Email),
    ("name", Target::Name),
    ("fullname", Target::Name),
    ("displayname", Target::Name),
    ("username", Target::Name),
    ("nomcomplet", Target::Name),
    ("nometprenom", Target::Name),
    ("prenometnom", Target::Name),
    ("vollername", Target::Name),
    ("nombrecompleto", Target::Name),
    ("firstname", Target::FirstName),
    ("first", Target::FirstName),
    ("givenname", Target::FirstName),
    ("forename", Target::FirstName),
    ("prenom", Target::FirstName),
    ("vorname", Target::FirstName),
    ("nombre", Target::FirstName),
    ("lastname", Target::LastName),
    ("last", Target::LastName),
    ("surname", Target::LastName),
    ("familyname", Target::LastName),
    ("nom", Target::LastName),
    ("nomdefamille", Target::LastName),
    ("nachname", Target::LastName),
    ("familienname", Target::LastName),
    ("apellido", Target::LastName),
    ("apellidos", Target::LastName),
    ("role", Target::Role),
    ("userrole", Target::Role),
    ("usertype", Target::Role),
    ("type", Target::Role),
    ("accesslevel", Target::Role),
    ("rolle", Target::Role),
    ("benutzerrolle", Target::Role),
    ("rol", Target::Role),
    ("typedutilisateur", Target::Role),
    ("tipodeusuario", Target::Role),
    ("group", Target::Groups),
    ("groups", Target::Groups),
    ("team", Target::Groups),
    ("teams", Target::Groups),
    ("groupe", Target::Groups),
    ("groupes", Target::Groups),
    ("equipe", Target::Groups),
    ("gruppe", Target::Groups),
    ("gruppen", Target::Groups),
    ("grupo", Target::Groups),
    ("grupos", Target::Groups),
    ("equipo", Target::Groups),
    ("metadata", Target::Metadata),
    ("meta", Target::Metadata),
];

/// Lower case, accents dropped, bracketed notes ("[Required]", "(optional)")
/// and everything but letters and digits removed.
pub fn normalize(header: &str) -> String {
    let mut depth = 0usize;
    header
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .filter(|c| match c {
            '[' | '(' => {
                depth += 1;
                false
            }
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names, if it is one Muster knows.
pub fn known_target(header: &str) -> Option<Target> {
    let key = normalize(header);
    if key.is_empty() {
        return None;
    }
    if let Some((_, target)) = SYNONYMS.iter().find(|(name, _)| *name == key) {
        return Some(target.clone());
    }
    // One slip ("Emial", "Frist name") in words long enough to be unambiguous.
    if key.chars().count() >= 5 {
        return SYNONYMS
            .iter()
            .filter(|(name, _)| name.chars().count() >= 5)
            .find(|(name, _)| typo_distance(name, &key) <= 1)
            .map(|(_, target)| target.clone());
    }
    None
}

/// The best first guess: known headers to their fields (the first of each
/// kind wins), everything else kept as metadata under its own header; when
/// no header names an email column, the column holding addresses is Email.
pub fn guess_mapping(table: &Table) -> Vec<ColumnMapping> {
    let mut mapping = guess_from_headers(&table.headers);
    if !mapping.iter().any(|m| m.target == Target::Email) {
        if let Some(column) = table.address_column().and_then(|c| mapping.get_mut(c)) {
            column.target = Target::Email;
        }
    }
    mapping
}

fn guess_from_headers(headers: &[String]) -> Vec<ColumnMapping> {
    let mut used: Vec<Target> = Vec::new();
    headers
        .iter()
        .enumerate()
        .map(|(column, header)| {
            let target = match known_target(header) {
                Some(target) if !used.contains(&target) => {
                    used.push(target.clone());
                    target
                }
                _ => Target::MetadataKey(header.trim().to_owned()),
            };
            ColumnMapping {
                column,
                header: header.clone(),
                target,
                default: None,
            }
        })
        .collect()
}

/// Edit distance counting a swap of neighbours as one edit.
fn typo_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_exports_and_other_languages_are_recognised() {
        for (header, target) in [
            ("E-mail Address", Target::Email),
            ("Email Address [Required]", Target::Email),
            ("Email*", Target::Email),
            ("Adresse e-mail", Target::Email),
            ("Correo electrónico", Target::Email),
            ("Prénom", Target::FirstName),
            ("Given name", Target::FirstName),
            ("Surname", Target::LastName),
            ("Nom", Target::LastName),
            ("User name*", Target::Name),
            ("Rôle", Target::Role),
            ("User type", Target::Role),
            ("Team", Target::Groups),
            ("Emial", Target::Email),
            ("Frist name", Target::FirstName),
        ] {
            assert_eq!(known_target(header), Some(target), "{header}");
        }
        assert_eq!(known_target("Site"), None);
        assert_eq!(
            known_target("Nome"),
            None,
            "short words need an exact match"
        );
    }

    #[test]
    fn unknown_and_repeated_columns_become_metadata() {
        let headers: Vec<String> = ["Email", "Site", "E-mail"].map(String::from).to_vec();
        let targets: Vec<Target> = guess_from_headers(&headers)
            .into_iter()
            .map(|m| m.target)
            .collect();
        assert_eq!(
            targets,
            [
                Target::Email,
                Target::MetadataKey("Site".into()),
                Target::MetadataKey("E-mail".into())
            ]
        );
    }

    #[test]
    fn without_an_email_header_the_column_of_addresses_is_email() {
        let table = Table::new(
            1,
            ["Display Label", "Primary Contact", "Access Level"]
                .map(String::from)
                .to_vec(),
            vec![super::super::SourceRow {
                number: 2,
                cells: ["Ann", "ann@x.org", "Admin"].map(String::from).to_vec(),
            }],
        );
        let targets: Vec<Target> = guess_mapping(&table)
            .into_iter()
            .map(|m| m.target)
            .collect();
        assert_eq!(
            targets,
            [
                Target::MetadataKey("Display Label".into()),
                Target::Email,
                Target::Role
            ]
        );
    }
}
