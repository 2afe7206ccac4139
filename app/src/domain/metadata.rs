use super::Invalid;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Free-form facts about a person (site, cost centre…): a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    pub const MAX_BYTES: usize = 8 * 1024;

    /// Empty text is an empty object; anything else must be a JSON object.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let text = within_limit(text)?;
        if text.is_empty() {
            return Ok(Self::default());
        }
        serde_json::from_str::<Map<String, Value>>(text)
            .map(Self)
            .map_err(json_error)
    }

    /// What `parse` checks, without building the object (a file's 100,000
    /// metadata cells built and freed half the time of checking the file):
    /// how many entries it has. Strings and numbers are read as `parse`
    /// reads them, so what passes here parses there.
    pub fn check(text: &str) -> Result<usize, Invalid> {
        let text = within_limit(text)?;
        if text.is_empty() {
            return Ok(0);
        }
        match serde_json::from_str::<Shape>(text).map_err(json_error)? {
            Shape::Object(entries) => Ok(entries),
            Shape::Other => Err(not_an_object()),
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

fn within_limit(text: &str) -> Result<&str, Invalid> {
    let text = text.trim();
    if text.len() > Metadata::MAX_BYTES {
        return Err(Invalid::new(format!(
            "Metadata can be at most {} KB.",
            Metadata::MAX_BYTES / 1024
        )));
    }
    Ok(text)
}

fn not_an_object() -> Invalid {
    Invalid::new("Metadata must be a JSON object, like {\"site\": \"HQ\"}.")
}

fn json_error(error: serde_json::Error) -> Invalid {
    match error.classify() {
        serde_json::error::Category::Data => not_an_object(),
        _ => Invalid::new(format!(
            "Metadata is not valid JSON (line {}, column {}).",
            error.line(),
            error.column()
        )),
    }
}

/// A JSON value read through and dropped as it is read: an object's entry
/// count, or anything else.
enum Shape {
    Object(usize),
    Other,
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut entries = 0;
        // Keys as `parse` reads them (escapes decoded, so a lone surrogate
        // fails here too); borrowed, so nothing is allocated for plain ones.
        while map.next_key::<Cow<'de, str>>()?.is_some() {
            map.next_value::<Shape>()?;
            entries += 1;
        }
        Ok(Shape::Object(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<Shape>()?.is_some() {}
        Ok(Shape::Other)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Other)
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
        assert_eq!(Metadata::check("{\"site\": }").unwrap_err(), error);
        assert!(
            error
                .0
                .starts_with("Metadata is not valid JSON (line 1, column"),
            "{}",
            error.0
        );
    }

    #[test]
    fn checking_without_building_agrees_with_parsing() {
        for text in [
            "",
            " { } ",
            r#"{"site":"HQ","n":[1,2.5,{"deep":null}],"t":true}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"esc":"\u00e9\n"}"#,
            r#"{"lone":"\ud800"}"#,
            r#"{"\ud800":1}"#,
            r#"{"big":1e999}"#,
            "[1,2]",
            "\"HQ\"",
            "12",
            "null",
            "{\"a\":1} trailing",
            "{\"a\":",
            "{'a':1}",
        ] {
            let parsed = Metadata::parse(text);
            let checked = Metadata::check(text);
            match (&parsed, &checked) {
                // A repeated key counts twice here, once there (the last wins).
                (Ok(metadata), Ok(entries)) => {
                    assert_eq!(metadata.is_empty(), *entries == 0, "{text}")
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{text}"),
                _ => panic!("{text}: parse {parsed:?}, check {checked:?}"),
            }
        }
    }
}
