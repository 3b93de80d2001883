//! A JSON object written member by member: the assertion's header and
//! claims and the JWKS are a few flat members each, and writing them here
//! costs less wasm than a serde `Serialize` per struct. Strings are escaped
//! by serde_json, whose `&str` serializer the Worker links anyway.

pub(crate) struct Object(String);

impl Object {
    pub fn new() -> Self {
        Object(String::from("{"))
    }

    fn key(&mut self, name: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&string(name));
        self.0.push(':');
    }

    pub fn str(mut self, name: &str, value: &str) -> Self {
        self.key(name);
        self.0.push_str(&string(value));
        self
    }

    pub fn num(mut self, name: &str, value: u64) -> Self {
        self.key(name);
        self.0.push_str(&value.to_string());
        self
    }

    pub fn bool(mut self, name: &str, value: bool) -> Self {
        self.key(name);
        self.0.push_str(if value { "true" } else { "false" });
        self
    }

    /// A member whose value is JSON text already.
    pub fn raw(mut self, name: &str, json: &str) -> Self {
        self.key(name);
        self.0.push_str(json);
        self
    }

    /// Each member only when there is a value.
    pub fn opt_str(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.str(name, value),
            None => self,
        }
    }

    pub fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A string as JSON text; serializing a `&str` cannot fail.
pub(crate) fn string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
