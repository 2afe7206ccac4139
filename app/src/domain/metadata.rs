use super::Invalid;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Free-form facts about a person (site, cost centre…): a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    pub const MAX_BYTES: usize = 8 * 1024;

    /// Empty text is an empty object; anything else must be a JSON object.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self::default());
        }
        if text.len() > Self::MAX_BYTES {
            return Err(Invalid::new(format!(
                "Metadata can be at most {} KB.",
                Self::MAX_BYTES / 1024
            )));
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(Invalid::new(
                "Metadata must be a JSON object, like {\"site\": \"HQ\"}.",
            )),
            Err(error) => Err(Invalid::new(format!(
                "Metadata is not valid JSON (line {}, column {}).",
                error.line(),
                error.column()
            ))),
        }
    }

    pub fn to_json(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }

    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_objects_and_nothing_else() {
        assert!(Metadata::parse("").unwrap().is_empty());
        assert_eq!(
            Metadata::parse(r#" {"site":"HQ"} "#).unwrap().to_json(),
            r#"{"site":"HQ"}"#
        );
        assert!(Metadata::parse("[1,2]").is_err());
        assert!(Metadata::parse("\"HQ\"").is_err());
        let error = Metadata::parse("{\"site\": }").unwrap_err();
        assert!(
            error
                .0
                .starts_with("Metadata is not valid JSON (line 1, column"),
            "{}",
            error.0
        );
    }
}
